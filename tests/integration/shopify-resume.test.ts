/**
 * Bulk reads that do not go to plan: a run stopped in the middle of the orders export and resumed (its spool file
 * gone, as on another worker), a result URL expired before the resume, and an export that FAILED part-way. Each ends
 * with the shop's data exactly once in the database; a resumed run's counts are exact (nothing read twice).
 */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSync } from "../../app/sync/engine.server";
import { SyncInterruptedError } from "../../app/sync/errors";
import { DATABASE_KINDS } from "../setup/db";
import { expectStoreMatchesShop } from "./shopify-expect";
import { SHOP, startShopifyHarness, type ShopifyHarness } from "./shopify-harness";

const CUSTOMERS = 300;
const ORDERS = 2_200;

/** Runs a full sync and stops it (resumable) once `stopAfter` orders were written; returns the run id. */
async function interruptedRun(h: ShopifyHarness, stopAfter: number): Promise<string> {
  await h.db.order.deleteMany({ where: { integrationId: h.integrationId } });
  const controller = new AbortController();
  const summary = await runSync(h.db, {
    integrationId: h.integrationId,
    kind: "full",
    sources: h.platforms,
    signal: controller.signal,
    onProgress: (p) => {
      if ((p.resources.orders?.synced ?? 0) >= stopAfter) controller.abort(new SyncInterruptedError());
    },
  });
  expect(summary.status).toBe("running");
  const stored = await h.db.order.count({ where: { integrationId: h.integrationId } });
  expect(stored).toBeGreaterThanOrEqual(stopAfter);
  expect(stored).toBeLessThan(ORDERS);
  return summary.runId;
}

describe.each(DATABASE_KINDS)("resuming Shopify bulk reads on %s", (kind) => {
  let h: ShopifyHarness;
  let spoolDir: string;
  beforeAll(async () => {
    spoolDir = `tmp/test-spool-${process.pid}-${kind}`;
    h = await startShopifyHarness(kind, {
      customers: CUSTOMERS,
      orders: ORDERS,
      products: 40,
      seed: 23,
      platform: { spoolDir },
    });
  });
  afterAll(async () => {
    await h?.close();
    rmSync(spoolDir, { recursive: true, force: true });
  });

  it("resumes a stopped run on another worker (no spool file) after the last committed order, counting none twice", async () => {
    const runId = await interruptedRun(h, 600);
    rmSync(spoolDir, { recursive: true, force: true });
    const summary = await runSync(h.db, {
      integrationId: h.integrationId,
      kind: "full",
      runId,
      sources: h.platforms,
    });
    expect(summary.status).toBe("succeeded");
    expect(summary.resources.orders).toMatchObject({ success: true, synced: ORDERS, failed: 0 });
    expect(summary.resources.customers).toMatchObject({ synced: CUSTOMERS });
    await expectStoreMatchesShop(h.db, h.integrationId, h.emu.context.shops.get(SHOP)!);
  });

  it("resumes after the export's URL expired by exporting only the orders after the last one handed over", async () => {
    const before = h.emu.bulk.all(SHOP).length;
    const runId = await interruptedRun(h, 800);
    const ordersOp = h.emu.bulk
      .all(SHOP)
      .slice(before)
      .find((op) => op.query.includes("orders("))!;
    const expired = await fetch(`${h.emu.url}/_emulator/bulk/${ordersOp.id}/expire`, { method: "POST" });
    expect(expired.status).toBe(200);
    // On another worker: the file must be downloaded again, and its URL no longer answers.
    rmSync(spoolDir, { recursive: true, force: true });
    const summary = await runSync(h.db, {
      integrationId: h.integrationId,
      kind: "full",
      runId,
      sources: h.platforms,
    });
    expect(summary.status).toBe("succeeded");
    expect(summary.resources.orders).toMatchObject({ success: true, synced: ORDERS, failed: 0 });
    const fallback = h.emu.bulk
      .all(SHOP)
      .slice(before)
      .filter((op) => op.query.includes("orders(") && /id:>\d+/.test(op.query));
    expect(fallback).toHaveLength(1);
    await expectStoreMatchesShop(h.db, h.integrationId, h.emu.context.shops.get(SHOP)!);
  });

  it("uses a FAILED export's partial file, then completes the rest through a new export", async () => {
    await h.db.order.deleteMany({ where: { integrationId: h.integrationId } });
    const before = h.emu.bulk.all(SHOP).length;
    // The customers are few enough for pages: the first export of the run is the orders'.
    const injected = await fetch(`${h.emu.url}/_emulator/faults/bulk`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ shop: SHOP, errorCode: "INTERNAL_SERVER_ERROR", afterObjects: 2_500 }),
    });
    expect(injected.status).toBe(200);
    const summary = await runSync(h.db, {
      integrationId: h.integrationId,
      kind: "full",
      sources: h.platforms,
    });
    expect(summary.status).toBe("succeeded");
    const ops = h.emu.bulk.all(SHOP).slice(before);
    expect(ops.map((op) => op.status)).toContain("FAILED");
    expect(ops.find((op) => op.status === "FAILED")!.partialDataUrl).toBeTruthy();
    // Orders the partial file held whole are not handed over again; only those cut short are re-read.
    expect(summary.resources.orders!.synced).toBeGreaterThanOrEqual(ORDERS);
    expect(summary.resources.orders!.synced).toBeLessThan(ORDERS + 50);
    await expectStoreMatchesShop(h.db, h.integrationId, h.emu.context.shops.get(SHOP)!);
  });
});
