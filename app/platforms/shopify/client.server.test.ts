/**
 * The GraphQL client's handling of Shopify's answers, driven by a scripted fetch so every branch (THROTTLED on 200,
 * 429 + Retry-After, 5xx, timeouts, refused tokens, typed GraphQL errors) is exercised exactly. The same client runs
 * against the emulator in tests/integration/shopify-*.
 */
import { describe, expect, it } from "vitest";
import { RETRIED_LATER } from "../../lib/errors";
import type { StoreCall } from "../../sync/platform";
import { ShopifyGraphqlClient, type AccessTokenSource } from "./client.server";
import {
  ShopifyAuthError,
  ShopifyGraphqlError,
  ShopifyHttpError,
  ShopifyProtectedDataError,
  ShopifyQueryCostError,
  ShopifyThrottledError,
  ShopifyTimeoutError,
} from "./errors";
import { ShopifyThrottle } from "./throttle";

type Step = Response | Error | ((init: RequestInit) => Promise<Response>);

const cost = (available: number, requested = 100) => ({
  cost: {
    requestedQueryCost: requested,
    actualQueryCost: 10,
    throttleStatus: { maximumAvailable: 1000, currentlyAvailable: available, restoreRate: 50 },
  },
});
const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

function harness(steps: Step[], tokens: Partial<AccessTokenSource> = {}) {
  const calls: StoreCall[] = [];
  const sleeps: number[] = [];
  const seen: Array<{ url: string; token: string | null }> = [];
  // Sleeping moves this clock, so the throttle sees time pass as it would.
  let clockMs = 0;
  const fetchFn = (async (url: string, init: RequestInit) => {
    seen.push({ url, token: new Headers(init.headers).get("X-Shopify-Access-Token") });
    const step = steps.shift();
    if (!step) throw new Error("unexpected request");
    if (step instanceof Error) throw step;
    return typeof step === "function" ? step(init) : step;
  }) as unknown as typeof fetch;
  const client = new ShopifyGraphqlClient({
    shop: "acme.myshopify.com",
    apiVersion: "2026-10",
    fetch: fetchFn,
    accessToken: { get: async () => "shpat_old", refresh: async () => null, ...tokens },
    recordCall: (call) => calls.push(call),
    throttle: new ShopifyThrottle(() => clockMs),
    maxAttempts: 3,
    sleep: async (ms) => {
      sleeps.push(ms);
      clockMs += ms;
    },
    timeoutMs: 50,
  });
  return { client, calls, sleeps, seen };
}

describe("ShopifyGraphqlClient", () => {
  it("GIVEN a THROTTLED answer on HTTP 200 WHEN requested THEN it waits as long as Shopify's numbers say and succeeds", async () => {
    const h = harness([
      json({
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }],
        extensions: cost(20, 520),
      }),
      json({ data: { shop: { name: "Acme" } }, extensions: cost(480, 520) }),
    ]);
    expect(await h.client.request("ShopInfo", "{ shop { name } }")).toEqual({ shop: { name: "Acme" } });
    // (520 - 20) points at 50 points/s = 10 s.
    expect(h.sleeps).toEqual([10_000]);
    expect(h.calls.map((c) => [c.operation, c.outcome, c.error ?? null])).toEqual([
      ["graphql:ShopInfo", "retried", "THROTTLED"],
      ["graphql:ShopInfo", "ok", null],
    ]);
    expect(h.seen[0].url).toBe("https://acme.myshopify.com/admin/api/2026-10/graphql.json");
  });

  it("GIVEN a 429 with Retry-After WHEN requested THEN it waits that many seconds, in milliseconds", async () => {
    const h = harness([
      new Response("Exceeded 2 calls per second", { status: 429, headers: { "Retry-After": "2.0" } }),
      json({ data: { ok: true } }),
    ]);
    await h.client.request("Op", "{ ok }");
    expect(h.sleeps).toEqual([2_000]);
    expect(h.calls[0]).toMatchObject({ outcome: "retried", httpStatus: 429 });
  });

  it("GIVEN server errors and a network failure WHEN requested THEN it backs off and succeeds within its attempts", async () => {
    const h = harness([
      new Response("oops", { status: 503 }),
      new TypeError("fetch failed"),
      json({ data: { ok: 1 } }),
    ]);
    await h.client.request("Op", "{ ok }");
    expect(h.sleeps).toHaveLength(2);
    expect(h.sleeps[1]).toBeGreaterThan(h.sleeps[0] * 0.9);
  });

  it("GIVEN Shopify keeps failing WHEN the attempts run out THEN a typed error names the status", async () => {
    const h = harness([
      new Response("", { status: 502 }),
      new Response("", { status: 502 }),
      new Response("", { status: 502 }),
    ]);
    const error = await h.client.request("Op", "{ ok }").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyHttpError);
    expect((error as ShopifyHttpError).responseStatus).toBe(502);
    expect(h.calls.at(-1)).toMatchObject({ outcome: "error", httpStatus: 502, attempt: 3 });
    // The retry note the store's status replaces with when the next attempt really is (display-status.ts).
    expect((error as ShopifyHttpError).message).toBe(
      "Shopify answered 502 while running Op: Shopify is having trouble. Commerce Sync will try again later.",
    );
    expect((error as ShopifyHttpError).retryNote).toBe(RETRIED_LATER);
  });

  it('GIVEN Shopify cannot be reached WHEN the attempts run out THEN the error says so, not "answered 0"', async () => {
    const h = harness([
      new TypeError("fetch failed"),
      new TypeError("fetch failed"),
      new TypeError("fetch failed"),
    ]);
    const error = await h.client.request("Op", "{ ok }").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyHttpError);
    expect((error as ShopifyHttpError).responseStatus).toBe(0);
    expect((error as ShopifyHttpError).message).toBe(
      "Shopify could not be reached while running Op: fetch failed. Commerce Sync will try again later.",
    );
    expect((error as ShopifyHttpError).retryNote).toBe(RETRIED_LATER);
  });

  it("GIVEN no answer in time WHEN every attempt times out THEN ShopifyTimeoutError says how long it waited", async () => {
    const never = (init: RequestInit) =>
      new Promise<Response>((_, reject) =>
        init.signal!.addEventListener("abort", () => reject(init.signal!.reason)),
      );
    const h = harness([never, never, never]);
    const error = await h.client.request("Op", "{ ok }").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyTimeoutError);
    expect((error as ShopifyTimeoutError).timeoutMs).toBe(50);
    expect((error as ShopifyTimeoutError).retryNote).toBe(RETRIED_LATER);
  });

  it("GIVEN an expired token WHEN Shopify answers 401 THEN the token is refreshed once and the request retried", async () => {
    const h = harness([new Response("", { status: 401 }), json({ data: { ok: 1 } })], {
      refresh: async (rejected) => (rejected === "shpat_old" ? "shpat_new" : null),
    });
    await h.client.request("Op", "{ ok }");
    expect(h.seen.map((s) => s.token)).toEqual(["shpat_old", "shpat_new"]);
    expect(JSON.stringify(h.calls)).not.toContain("shpat");
  });

  it("GIVEN a revoked token WHEN no refresh helps THEN ShopifyAuthError asks the merchant to reconnect", async () => {
    const h = harness([new Response("", { status: 401 })]);
    const error = await h.client.request("Op", "{ ok }").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyAuthError);
    expect((error as Error).message).toMatch(/acme\.myshopify\.com.*install it again/);
  });

  it.each([
    [
      {
        message: "Query cost is 1200, which exceeds the single query max cost limit (1000).",
        extensions: { code: "MAX_COST_EXCEEDED" },
      },
      ShopifyQueryCostError,
    ],
    [
      {
        message:
          "This app is not approved to access the Customer object. See https://shopify.dev/docs/apps/launch/protected-customer-data for more details.",
        extensions: { code: "ACCESS_DENIED" },
      },
      ShopifyProtectedDataError,
    ],
    [
      { message: "Field 'foo' doesn't exist on type 'Shop'", extensions: { code: "undefinedField" } },
      ShopifyGraphqlError,
    ],
  ])("GIVEN the GraphQL error %j WHEN requested THEN it raises %o without retrying", async (error, type) => {
    const h = harness([json({ errors: [error], extensions: cost(900, 1200) })]);
    await expect(h.client.request("Op", "{ ok }")).rejects.toBeInstanceOf(type);
    expect(h.calls).toHaveLength(1);
  });

  it("GIVEN the protected-data error WHEN shown to a merchant THEN it says what is missing and what to do", () => {
    expect(new ShopifyProtectedDataError("CustomersPage").message).toMatch(
      /not approved.*protected customer data.*Partner Dashboard.*full sync/,
    );
  });

  it("GIVEN Shopify never has room WHEN throttled past the wait budget THEN ShopifyThrottledError reports the wait", async () => {
    const throttled = () =>
      json({
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }],
        extensions: cost(0, 1000),
      });
    const h = harness(Array.from({ length: 40 }, throttled));
    const error = await h.client.request("Op", "{ ok }").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyThrottledError);
  });
});
