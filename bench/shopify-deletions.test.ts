/**
 * Measures what finding Shopify records deleted without a webhook costs (ADR 0046): requests, cost points and
 * seconds of incremental syncs of a 20,000-order store on the emulator (Standard bucket: 2,000 points, 100/s), with
 * nothing missing and with a few orders missing. Skipped unless MEASURE_SHOPIFY_DELETIONS=1; heavy — run it as
 * `MEASURE_SHOPIFY_DELETIONS=1 flock /tmp/bench.lock npx vitest run bench/shopify-deletions.test.ts`. Which records
 * are gone is found by halving id ranges with counts (ADR 0046, addendum); SHOPIFY_DELETIONS_SEARCH=listing measures
 * the listing of every id it replaced, for comparison.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoggedGraphqlRequest } from "../emulators/shopify/graphql/request-log";
import { runSync } from "../app/sync/engine.server";
import { SHOP, startShopifyHarness, type ShopifyHarness } from "../tests/integration/shopify-harness";

const CHECK_OPERATIONS = new Set(["OrderIds", "CustomerIds", "ProductIds", "RecordsExist", "AppScopes"]);
const LISTING_ONLY = process.env.SHOPIFY_DELETIONS_SEARCH === "listing";
/** The check's counts: of everything (no query), or of an id range (the halving). */
const checkCount = (r: LoggedGraphqlRequest) =>
  r.rootFields[0]?.endsWith("Count") &&
  (r.variables.query === null || /id:>=/.test(String(r.variables.query)));

describe.runIf(process.env.MEASURE_SHOPIFY_DELETIONS === "1")("cost of finding Shopify deletions", () => {
  let h: ShopifyHarness;
  const control = (path: string, init?: RequestInit) => fetch(`${h.emu.url}/_emulator${path}`, init);
  const measure = async (label: string, kind: "full" | "incremental") => {
    await control("/requests", { method: "DELETE" });
    const started = performance.now();
    const summary = await runSync(h.db, { integrationId: h.integrationId, kind, sources: h.platforms });
    const seconds = (performance.now() - started) / 1000;
    expect(summary.status).toBe("succeeded");
    const log = ((await (await control("/requests")).json()) as { requests: LoggedGraphqlRequest[] })
      .requests;
    const points = (entries: LoggedGraphqlRequest[]) =>
      entries.reduce((sum, r) => sum + (r.actualQueryCost ?? 0), 0);
    const check = log.filter((r) => CHECK_OPERATIONS.has(r.operationName ?? "") || checkCount(r));
    const line = {
      label,
      search: LISTING_ONLY ? "listing" : "ranges",
      seconds: Number(seconds.toFixed(1)),
      requests: log.length,
      points: points(log),
      throttled: log.filter((r) => r.errorCodes.includes("THROTTLED")).length,
      checkRequests: check.length,
      checkPoints: points(check),
      rangeCounts: log.filter((r) => checkCount(r) && r.variables.query !== null).length,
      listingPages: log.filter(
        (r) => r.operationName === "OrderIds" && r.status === 200 && !r.errorCodes.length,
      ).length,
      deleted: summary.resources.orders?.deleted ?? 0,
    };
    console.log(JSON.stringify(line));
    return line;
  };
  const silentlyDelete = async (ids: bigint[]) => {
    for (const id of ids) await control(`/shops/${SHOP}/orders/${id}?webhook=false`, { method: "DELETE" });
  };

  beforeAll(async () => {
    h = await startShopifyHarness("sqlite", {
      customers: 2_000,
      orders: 20_000,
      products: 200,
      seed: 3,
      platform: LISTING_ONLY ? { tuning: { deletionSearch: { listAllUpTo: Infinity } } } : undefined,
    });
  }, 600_000);
  afterAll(async () => h?.close());

  it("measures", { timeout: 1_800_000 }, async () => {
    await measure("full, first", "full");
    await measure("incremental, nothing missing", "incremental");
    const orders = [...h.emu.context.shops.get(SHOP)!.orders.values()]
      .map((o) => o.id)
      .sort((a, b) => (a < b ? -1 : 1));
    const spread = [orders[5_000], orders[12_000], orders[19_000]];
    await silentlyDelete(spread);
    expect((await measure("incremental, 3 missing across the range", "incremental")).deleted).toBe(3);
    await silentlyDelete([orders[100], orders[3_000]]);
    expect((await measure("incremental, 2 missing in the first sixth", "incremental")).deleted).toBe(2);
    await silentlyDelete([orders[19_900]]);
    expect((await measure("incremental, 1 missing near the newest end", "incremental")).deleted).toBe(1);
    await measure("full, nothing missing", "full");
  });
});
