/**
 * The client's pacing against the Shopify emulator over real HTTP, where a page's requested cost (what Shopify needs
 * in the bucket to run it) is far above its actual cost (what it keeps): a 250-id page requests 252 and costs 12, as
 * on real Shopify. With the bucket nearly empty the client must wait for the REQUESTED cost — a client pacing on
 * `actualQueryCost` sends at once and is refused (THROTTLED), which only an emulator charging realistic actual costs
 * can show: with the documented formula (actual = requested on a full page) both pacings look the same.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningShopifyEmulator } from "../../../emulators/shopify/server";
import { issueToken } from "../../../emulators/shopify/testing/client";
import { startTestEmulator } from "../../../emulators/shopify/testing/fixtures";
import { DEFAULT_SHOP } from "../../../emulators/shopify/model";
import { ShopifyGraphqlClient } from "./client.server";
import { emulatorRedirectFetch } from "./emulator-fetch.server";
import { ShopifyThrottle, type QueryCost } from "./throttle";

// Emulated time runs 10× faster: 50 points/s restore = 500 points per real second.
const TIME_SCALE = 10;
const BUCKET = { maximumAvailable: 1000, restoreRate: 50 };
const PAGE =
  "query OrderIds($after: String) { orders(first: 250, after: $after) { nodes { id } pageInfo { endCursor } } }";

/** A client that (wrongly) paces on the actual cost Shopify reports instead of the requested one. */
class ActualCostPacing extends ShopifyThrottle {
  override observe(operation: string, cost: QueryCost | null | undefined): void {
    super.observe(
      operation,
      cost && { ...cost, requestedQueryCost: cost.actualQueryCost ?? cost.requestedQueryCost },
    );
  }
}

describe("Shopify client pacing when requested ≫ actual (emulator over HTTP)", () => {
  let emu: RunningShopifyEmulator;
  let token: string;

  beforeAll(async () => {
    emu = await startTestEmulator({ orders: 1200, customers: 10, products: 5, timeScale: TIME_SCALE });
    token = await issueToken(emu.url, ["read_orders", "read_all_orders"]);
  });
  afterAll(async () => emu?.close());

  async function setBucket(body: Record<string, unknown>) {
    const res = await fetch(`${emu.url}/_emulator/faults/throttle`, {
      method: "POST",
      body: JSON.stringify({ ...BUCKET, shop: DEFAULT_SHOP, ...body }),
    });
    expect(res.status).toBe(200);
  }

  /** Reads `pages` pages of 250 order ids with a bucket drained to `nearlyEmpty` points; counts THROTTLED answers. */
  async function readNearlyEmpty(throttle: ShopifyThrottle, pages: number, nearlyEmpty = 10) {
    const answers = { throttled: 0, requested: [] as number[], actual: [] as number[] };
    const redirect = emulatorRedirectFetch(emu.url);
    const counting = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const response = await redirect(input, init);
      const body = (await response.clone().json()) as {
        errors?: Array<{ extensions?: { code?: string } }>;
        extensions?: { cost?: { requestedQueryCost: number; actualQueryCost: number | null } };
      };
      if (Array.isArray(body.errors) && body.errors.some((e) => e.extensions?.code === "THROTTLED"))
        answers.throttled += 1;
      else if (body.extensions?.cost) {
        answers.requested.push(body.extensions.cost.requestedQueryCost);
        answers.actual.push(body.extensions.cost.actualQueryCost ?? 0);
      }
      return response;
    }) as typeof fetch;
    const sleeps: number[] = [];
    const client = new ShopifyGraphqlClient({
      shop: DEFAULT_SHOP,
      apiVersion: "2026-10",
      fetch: counting,
      accessToken: { get: async () => token, refresh: async () => null },
      recordCall: () => {},
      throttle,
      sleep: (ms) => {
        sleeps.push(ms);
        return new Promise((resolve) => setTimeout(resolve, ms));
      },
    });
    type Page = { orders: { nodes: Array<{ id: string }>; pageInfo: { endCursor: string } } };
    // The client learns the page's costs with a full bucket; then another client drains it to `nearlyEmpty`, and a
    // cheap call tells this one so (as any answer's throttleStatus would).
    let page = await client.request<Page>("OrderIds", PAGE, { after: null });
    await setBucket({ currentlyAvailable: nearlyEmpty });
    await client.request("ShopName", "query ShopName { shop { name } }");
    answers.throttled = 0;
    answers.requested.length = answers.actual.length = sleeps.length = 0;
    for (let i = 0; i < pages; i++) {
      page = await client.request<Page>("OrderIds", PAGE, { after: page.orders.pageInfo.endCursor });
      expect(page.orders.nodes.length).toBeGreaterThan(0);
    }
    return { ...answers, sleeps };
  }

  it("GIVEN a nearly empty bucket and pages requesting 252 that cost 12 THEN the client waits for the requested cost: no THROTTLED received", async () => {
    await setBucket({ actualCost: "observed" });
    const run = await readNearlyEmpty(new ShopifyThrottle(Date.now, TIME_SCALE), 3);
    expect(run.requested).toEqual([252, 252, 252]);
    expect(run.actual.every((a) => a <= 12)).toBe(true);
    // It waited before the first page (10 → 252 points at 500 points per real second ≈ 0.5 s), not after a refusal.
    expect(run.sleeps.length).toBeGreaterThan(0);
    expect(Math.max(...run.sleeps)).toBeGreaterThan(300);
    expect(run.throttled).toBe(0);
  });

  it("GIVEN the same pages THEN a client pacing on actualQueryCost is refused (THROTTLED), which the documented formula would hide", async () => {
    await setBucket({ actualCost: "observed" });
    const observed = await readNearlyEmpty(new ActualCostPacing(Date.now, TIME_SCALE), 3);
    expect(observed.throttled).toBeGreaterThan(0);
    // With actual = requested (the documented formula on full pages) the wrong pacing goes unnoticed.
    await setBucket({ actualCost: "documented" });
    const documented = await readNearlyEmpty(new ActualCostPacing(Date.now, TIME_SCALE), 3);
    expect(documented.actual).toEqual([252, 252, 252]);
    expect(documented.throttled).toBe(0);
    await setBucket({ actualCost: "observed" });
  });
});
