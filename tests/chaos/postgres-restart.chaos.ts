/**
 * Chaos 5: PostgreSQL "restarted" mid-sync. The machine's PostgreSQL is shared, so the suite does not restart the
 * server: it terminates every backend connection of the test database (what clients see when the server restarts:
 * their sockets die, in-flight transactions roll back) while a worker process syncs a WooCommerce store, twice.
 * The run must resume and complete with exact counts (docs/decisions/0030-chaos-suite.md).
 */
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { checked, did, latestRun, waitFor, waitForIdle, workerProcess, type ChaosProcess } from "./lib";
import { enqueue, expectWooExact, wooStore } from "./stores";

const workers: ChaosProcess[] = [];
afterAll(async () => {
  for (const w of workers) await w.stop();
});

async function terminateBackends(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const name = new URL(databaseUrl).pathname.slice(1);
    const result = await client.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
      [name],
    );
    return result.rowCount ?? 0;
  } finally {
    await client.end();
  }
}

describe("PostgreSQL connections terminated mid-sync", () => {
  it("the WooCommerce sync resumes and completes with exact counts", async () => {
    const s = await wooStore(
      "postgres",
      { customers: 1_000, orders: 2_500, products: 150 },
      { latencyMs: 60 },
    );
    try {
      await enqueue(s.db, s.t.url, {
        integrationId: s.integrationId,
        kind: "full",
        triggeredBy: "merchant:chaos",
      });
      const worker = workerProcess("pg-worker", s.env({ DATABASE_POOL_SIZE: "4" })).start();
      workers.push(worker);
      did(`queued a full sync on PostgreSQL (pg-boss queue); worker pid ${worker.pid}`);
      for (const [label, done] of [
        ["customers", (r: { contactsSynced: number }) => r.contactsSynced > 0],
        ["orders", (r: { ordersSynced: number }) => r.ordersSynced > 0],
      ] as const) {
        const run = await waitFor(
          `${label} being written`,
          async () => {
            const r = await latestRun(s.db, s.integrationId);
            return r && r.status === "running" && done(r as never) ? r : null;
          },
          120_000,
          50,
        );
        const killed = await terminateBackends(s.t.url);
        did(
          `pg_terminate_backend on ${killed} connections of the database while ${label} were being written ` +
            `(${run.contactsSynced} customers, ${run.ordersSynced} orders committed)`,
        );
      }
      const runs = await waitForIdle(s.db, s.integrationId, 150_000);
      const last = runs.at(-1)!;
      expect(last.status, `${last.errorMessage} ${JSON.stringify(last.errors)}`).toBe("succeeded");
      checked(
        `runs: ${runs.map((r) => `${r.kind}:${r.status}`).join(", ")}; the worker is still running: ${worker.running}`,
      );
      // The terminations are our database's failure, not the store's or a record's: the one run resumed at its
      // last committed page each time and no record was set aside as bad (app/db/transient-errors.ts).
      expect(runs.map((r) => [r.kind, r.status])).toEqual([["full", "succeeded"]]);
      expect(last.errors).toEqual([]);
      expect([last.contactsFailed, last.ordersFailed, last.productsFailed]).toEqual([0, 0, 0]);
      checked(`one run, resumed in place; no record reported as failed`);
      expect(worker.running).toBe(true);
      await expectWooExact(s);
    } finally {
      await s.close();
    }
  });
});
