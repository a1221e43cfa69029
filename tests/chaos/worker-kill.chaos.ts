/**
 * Chaos 1: `kill -9` of the worker process in the middle of a Shopify bulk sync and of a WooCommerce sync (one worker
 * running both, one database), then a new worker process → each interrupted run resumes from its checkpoint, only
 * once, and the database holds each store exactly.
 */
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { checked, did, latestRun, waitFor, waitForIdle, workerProcess, type ChaosProcess } from "./lib";
import { enqueue, expectShopExact, expectWooExact, shopifyStore, wooStore } from "./stores";

const workers: ChaosProcess[] = [];
afterAll(async () => {
  for (const w of workers) await w.stop();
});

describe("kill -9 of the worker mid-sync", () => {
  it("a Shopify bulk sync and a WooCommerce sync resume after the kill with exact counts", async () => {
    const h = await shopifyStore("sqlite", { customers: 3_000, orders: 15_000, products: 300 });
    const s = await wooStore(
      "sqlite",
      { customers: 1_500, orders: 3_000, products: 200 },
      {
        latencyMs: 60,
        database: h.t,
      },
    );
    try {
      await enqueue(h.db, h.t.url, { integrationId: h.integrationId, kind: "full", triggeredBy: "install" });
      await enqueue(s.db, s.t.url, {
        integrationId: s.integrationId,
        kind: "full",
        triggeredBy: "merchant:chaos",
      });
      const first = workerProcess("kill-worker-1", h.env({ WORKER_CONCURRENCY: "2" })).start();
      workers.push(first);
      did(
        `queued full syncs of a Shopify shop (3,000 customers, 15,000 orders, 300 products; bulk exports) and a ` +
          `WooCommerce store (1,500 customers, 3,000 orders, 200 products; 60 ms per page); worker pid ${first.pid}`,
      );
      const [shopRun, wooRun] = await waitFor(
        "orders being written in both stores",
        async () => {
          const a = await latestRun(h.db, h.integrationId);
          const b = await latestRun(s.db, s.integrationId);
          return a && b && a.ordersSynced > 0 && b.ordersSynced > 0 ? [a, b] : null;
        },
        120_000,
        50,
      );
      await first.kill9();
      const killed = await h.db.syncRun.findMany({ where: { id: { in: [shopRun.id, wooRun.id] } } });
      for (const r of killed) {
        expect(r.status).toBe("running");
        did(
          `kill -9 left run ${r.id} "running" with ${r.contactsSynced} customers, ${r.ordersSynced} orders, ` +
            `${r.productsSynced} products committed`,
        );
      }

      const second = workerProcess("kill-worker-2", h.env({ WORKER_CONCURRENCY: "2" })).start();
      workers.push(second);
      did(`started a new worker (pid ${second.pid})`);
      // It sees that pid ${first.pid} (same host) is gone and releases its jobs, locks and runs at start-up, rather
      // than waiting for their 60 s lease and 30 s heartbeat to run out (app/jobs/orphans.server.ts).
      const released = await waitFor(
        "the new worker to release the killed worker's jobs",
        async () =>
          readFileSync(second.logFile, "utf8")
            .split("\n")
            .find((line) => line.includes("Released the jobs") && line.includes(String(first.pid))) ?? null,
        60_000,
      );
      expect(JSON.parse(released)).toMatchObject({ deadPids: [first.pid], runs: 2 });
      checked(`the new worker released the killed worker's work at start-up: ${released.trim()}`);
      for (const [label, db, integrationId, run] of [
        ["Shopify", h.db, h.integrationId, shopRun],
        ["WooCommerce", s.db, s.integrationId, wooRun],
      ] as const) {
        const runs = await waitForIdle(db, integrationId, 150_000);
        expect(runs.map((r) => [r.id, r.status])).toEqual([[run.id, "succeeded"]]);
        const integration = await db.integration.findUniqueOrThrow({ where: { id: integrationId } });
        expect(integration.status).toBe("connected");
        checked(
          `${label}: the killed run was resumed and succeeded; it is the only run (no second full read); integration ${integration.status}`,
        );
      }
      const resumed = await h.db.syncRun.findUniqueOrThrow({ where: { id: shopRun.id } });
      expect([resumed.contactsSynced, resumed.ordersSynced, resumed.productsSynced]).toEqual([
        3_000, 15_000, 300,
      ]);
      checked(`Shopify run counts exact: 3000 customers, 15000 orders, 300 products (nothing counted twice)`);
      await expectShopExact(h);
      await expectWooExact(s);
      await second.stop();
    } finally {
      await s.close();
      await h.close();
    }
  });
});
