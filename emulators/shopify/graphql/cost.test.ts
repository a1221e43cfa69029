import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SHOP } from "../model";
import type { RunningShopifyEmulator } from "../server";
import { gql, issueToken } from "../testing/client";
import { startTestEmulator, testClock } from "../testing/fixtures";
import { operationContext, requestedQueryCost } from "./cost";
import { loadSchema } from "./schema";
import { LeakyBucket } from "./throttle";

function requested(source: string, variables: Record<string, unknown> = {}): number {
  const doc = parse(source);
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = doc.definitions.filter(
    (d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION,
  );
  return requestedQueryCost(operationContext(loadSchema(), fragments, variables), op);
}

describe("requested query cost (Shopify's documented method)", () => {
  it("GIVEN scalars on an object WHEN costed THEN only the object counts (1)", () => {
    expect(requested("{ shop { id name timezoneOffsetMinutes customerAccounts } }")).toBe(1);
  });

  it("GIVEN a connection of 10 WHEN costed THEN 2 + 10 × 1", () => {
    expect(requested("{ products(first: 10) { edges { node { title } } } }")).toBe(12);
  });

  it("GIVEN products(first: 10) with variants(first: 5) WHEN costed THEN 2 + 10 × (1 + (2 + 5 × 1)) = 82", () => {
    // Per product: the product object (1) + its variants connection (2 + 5 variants × 1) = 8; ten of them + 2.
    expect(
      requested(
        "{ products(first: 10) { edges { node { title variants(first: 5) { edges { node { title } } } } } } }",
      ),
    ).toBe(82);
  });

  it("GIVEN page sizes from variables and nested objects WHEN costed THEN objects add 1 each", () => {
    // 2 + 4 × (order 1 + customer 1 + totalPriceSet 1 + shopMoney 1) = 18
    expect(
      requested(
        "query($n: Int!) { orders(first: $n) { nodes { id customer { id } totalPriceSet { shopMoney { amount } } } } }",
        { n: 4 },
      ),
    ).toBe(18);
  });

  it("GIVEN a count field WHEN costed THEN 10 (Shopify charges count fields 10, not an object's 1)", () => {
    expect(requested("{ ordersCount(limit: null) { count precision } }")).toBe(10);
    expect(requested("{ productsCount { count } customersCount { count } }")).toBe(20);
  });

  it("GIVEN a mutation WHEN costed THEN 10 whatever it selects", () => {
    expect(
      requested(
        'mutation { customerCreate(input: { email: "a@example.com" }) { customer { id } userErrors { message } } }',
      ),
    ).toBe(10);
  });
});

describe("LeakyBucket", () => {
  it("GIVEN an empty bucket WHEN the clock moves THEN it refills at the restore rate up to the maximum", () => {
    let nowMs = 0;
    const bucket = new LeakyBucket(1000, 100, () => nowMs);
    expect(bucket.tryTake(1000)).toBe(true);
    expect(bucket.status().currentlyAvailable).toBe(0);
    nowMs += 2_500;
    expect(bucket.status().currentlyAvailable).toBe(250);
    expect(bucket.tryTake(251)).toBe(false);
    nowMs += 60_000;
    expect(bucket.status().currentlyAvailable).toBe(1000);
  });
});

describe("cost and throttling over HTTP", () => {
  const clock = testClock();
  let emu: RunningShopifyEmulator;
  let token: string;

  beforeAll(async () => {
    emu = await startTestEmulator({ now: clock.now, throttle: { maximumAvailable: 100, restoreRate: 10 } });
    token = await issueToken(emu.url, ["read_products", "read_customers"]);
  });
  afterAll(async () => {
    await emu.close();
  });

  it("GIVEN products with variants WHEN queried THEN actualQueryCost is the observed model's: 2 + ⌈Σ node costs ÷ 25⌉, nested likewise", async () => {
    clock.advanceMs(60_000);
    const res = await gql<{ products: { edges: Array<{ node: { variants: { edges: unknown[] } } }> } }>(
      emu.url,
      token,
      "{ products(first: 10) { edges { node { title variants(first: 5) { edges { node { title } } } } } } }",
    );
    const products = res.body.data!.products.edges;
    // Each product: 1 + its variants connection (2 + ⌈variants ÷ 25⌉).
    const units = products.reduce((sum, p) => sum + 1 + 2 + Math.ceil(p.node.variants.edges.length / 25), 0);
    const actual = 2 + Math.ceil(units / 25);
    expect(products.length).toBe(10);
    expect(actual).toBe(4);
    expect(res.body.extensions?.cost.requestedQueryCost).toBe(82);
    expect(res.body.extensions?.cost.actualQueryCost).toBe(actual);
    expect(actual).toBeLessThan(82);
    // The bucket was charged the requested cost and refunded the difference.
    expect(res.body.extensions?.cost.throttleStatus).toEqual({
      maximumAvailable: 100,
      currentlyAvailable: 100 - actual,
      restoreRate: 10,
    });
  });

  it("GIVEN a drained bucket WHEN querying THEN THROTTLED on HTTP 200, and the configured restore rate lets it through later", async () => {
    clock.advanceMs(60_000);
    // 2 + 50 × 1 requested; 15 products exist, so 2 + ⌈15 ÷ 25⌉ = 3 actual: each call nets 3 points.
    const query = "{ products(first: 50) { nodes { id } } }";
    const statuses: number[] = [];
    let last = await gql(emu.url, token, query);
    while (!last.body.errors) {
      statuses.push(last.status);
      last = await gql(emu.url, token, query);
    }
    expect(last.status).toBe(200);
    expect(last.body).toEqual({
      errors: [
        {
          message: "Throttled",
          extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" },
        },
      ],
      extensions: {
        cost: { requestedQueryCost: 52, actualQueryCost: null, throttleStatus: expect.any(Object) },
      },
    });
    const available = last.body.extensions!.cost.throttleStatus.currentlyAvailable;
    expect(available).toBeLessThan(52);
    // 10 points per second: one point short after (52 - available - 1) / 10 s, enough after (52 - available) / 10 s.
    clock.advanceMs((52 - available - 1) * 100);
    expect((await gql(emu.url, token, query)).body.errors?.[0].extensions?.code).toBe("THROTTLED");
    clock.advanceMs(100);
    const allowed = await gql(emu.url, token, query);
    expect(allowed.body.errors).toBeUndefined();
    expect(allowed.body.extensions?.cost.actualQueryCost).toBe(3);
  });

  it("GIVEN requested ≫ actual WHEN the bucket holds less than the requested cost THEN THROTTLED, though the actual cost would fit", async () => {
    // requested 2 + 250 = 252 (a bucket of 100 refuses that as MAX_COST); 2 + 50 = 52 requested, 3 actual.
    const query = "{ products(first: 50) { nodes { id } } }";
    const fill = (currentlyAvailable: number) =>
      fetch(`${emu.url}/_emulator/faults/throttle`, {
        method: "POST",
        body: JSON.stringify({ shop: DEFAULT_SHOP, currentlyAvailable }),
      });
    await fill(51);
    const refused = await gql(emu.url, token, query);
    expect(refused.body.errors?.[0].extensions?.code).toBe("THROTTLED");
    expect(refused.body.extensions?.cost).toMatchObject({ requestedQueryCost: 52, actualQueryCost: null });
    expect(refused.body.extensions?.cost.throttleStatus.currentlyAvailable).toBe(51);
    await fill(52);
    const served = await gql(emu.url, token, query);
    expect(served.body.errors).toBeUndefined();
    // Charged 52 up front, refunded 52 − 3.
    expect(served.body.extensions?.cost).toMatchObject({
      requestedQueryCost: 52,
      actualQueryCost: 3,
      throttleStatus: { currentlyAvailable: 49 },
    });
  });

  it("GIVEN one query costing more than the bucket WHEN sent THEN MAX_COST_EXCEEDED and nothing is charged", async () => {
    clock.advanceMs(60_000);
    const res = await gql(emu.url, token, "{ customers(first: 250) { nodes { id } } }");
    expect(res.body.errors?.[0]).toMatchObject({
      message: expect.stringContaining(
        "Query cost is 252, which exceeds the single query max cost limit (100).",
      ),
      extensions: { code: "MAX_COST_EXCEEDED", cost: 252, maxCost: 100 },
    });
    expect(res.body.extensions?.cost.throttleStatus.currentlyAvailable).toBe(100);
  });

  it("GIVEN an injected REST-style 429 WHEN the next request arrives THEN 429 with Retry-After, then normal service", async () => {
    await fetch(`${emu.url}/_emulator/faults/http-429`, {
      method: "POST",
      body: JSON.stringify({ shop: DEFAULT_SHOP, count: 1, retryAfterS: 3 }),
    });
    const limited = await gql(emu.url, token, "{ shop { name } }");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    expect((await gql(emu.url, token, "{ shop { name } }")).status).toBe(200);
  });
});

describe("actual cost models", () => {
  const clock = testClock();
  let observed: RunningShopifyEmulator;
  let documented: RunningShopifyEmulator;

  beforeAll(async () => {
    [observed, documented] = await Promise.all([
      startTestEmulator({ now: clock.now, orders: 600 }),
      startTestEmulator({ now: clock.now, orders: 600, cost: { actual: "documented" } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([observed.close(), documented.close()]);
  });

  const cost = async (emu: RunningShopifyEmulator, query: string) => {
    const token = await issueToken(emu.url, ["read_orders", "read_all_orders", "read_products"]);
    const res = await gql(emu.url, token, query);
    expect(res.body.errors).toBeUndefined();
    const { requestedQueryCost, actualQueryCost } = res.body.extensions!.cost;
    return [requestedQueryCost, actualQueryCost];
  };

  it("GIVEN a 250-node page of ids WHEN served THEN observed: requested 252, actual 12 (real Shopify's example); documented: 252", async () => {
    const query = "{ orders(first: 250) { nodes { id } } }";
    expect(await cost(observed, query)).toEqual([252, 12]);
    expect(await cost(documented, query)).toEqual([252, 252]);
  });

  it("GIVEN a count field WHEN served THEN 10 requested and actual in both models", async () => {
    const query = "{ ordersCount(limit: null) { count } }";
    expect(await cost(observed, query)).toEqual([10, 10]);
    expect(await cost(documented, query)).toEqual([10, 10]);
  });

  it("GIVEN the control API WHEN actualCost is switched THEN the next answers follow the new model", async () => {
    const query = "{ orders(first: 250) { nodes { id } } }";
    const set = async (actualCost: string) =>
      (await (
        await fetch(`${observed.url}/_emulator/faults/throttle`, {
          method: "POST",
          body: JSON.stringify({ actualCost }),
        })
      ).json()) as { actualCost: string };
    expect(await set("documented")).toMatchObject({ actualCost: "documented" });
    expect(await cost(observed, query)).toEqual([252, 252]);
    expect(await set("observed")).toMatchObject({ actualCost: "observed" });
    expect(await cost(observed, query)).toEqual([252, 12]);
  });
});

describe("Shopify's limits at default settings", () => {
  let emu: RunningShopifyEmulator;
  let token: string;

  beforeAll(async () => {
    emu = await startTestEmulator({ now: testClock().now });
    token = await issueToken(emu.url, ["read_customers", "read_orders", "read_all_orders"]);
  });
  afterAll(async () => {
    await emu.close();
  });

  it("GIVEN the default settings THEN the bucket is the Standard plan's: 2000 points restored at 100/s", async () => {
    const res = await gql(emu.url, token, "{ shop { name } }");
    // The shop object cost 1 point; the frozen clock restores nothing.
    expect(res.body.extensions?.cost.throttleStatus).toEqual({
      maximumAvailable: 2000,
      currentlyAvailable: 1999,
      restoreRate: 100,
    });
  });

  it("GIVEN a query over 1,000 points WHEN the 2000-point bucket could pay it THEN MAX_COST_EXCEEDED at 1,000 and nothing is charged", async () => {
    // 2 + 250 × (customer 1 + defaultAddress 1 + lastOrder 1 + amountSpent 1) = 1002.
    const res = await gql(
      emu.url,
      token,
      "{ customers(first: 250) { nodes { id defaultAddress { city } lastOrder { id } amountSpent { amount } } } }",
    );
    expect(res.body.errors?.[0]).toMatchObject({
      message: expect.stringContaining(
        "Query cost is 1002, which exceeds the single query max cost limit (1000).",
      ),
      extensions: { code: "MAX_COST_EXCEEDED", cost: 1002, maxCost: 1000 },
    });
    expect(res.body.extensions?.cost.throttleStatus.currentlyAvailable).toBe(1999);
  });
});

describe("an accelerated clock (timeScale)", () => {
  it("GIVEN timeScale 10 WHEN one real second passes THEN the Standard bucket restores 1000 points and still reports 100/s", async () => {
    const clock = testClock();
    const emu = await startTestEmulator({
      now: clock.now,
      timeScale: 10,
      customers: 5,
      orders: 5,
      products: 5,
    });
    try {
      const token = await issueToken(emu.url, ["read_customers"]);
      await fetch(`${emu.url}/_emulator/faults/throttle`, {
        method: "POST",
        body: JSON.stringify({ currentlyAvailable: 0 }),
      });
      clock.advanceMs(1000);
      const res = await gql(emu.url, token, "{ shop { name } }");
      // 10 emulated seconds × 100/s = 1000 points, minus the shop object's 1.
      expect(res.body.extensions?.cost.throttleStatus).toEqual({
        maximumAvailable: 2000,
        currentlyAvailable: 999,
        restoreRate: 100,
      });
      const time = (await (await fetch(`${emu.url}/_emulator/clock`)).json()) as {
        now: string;
        timeScale: number;
      };
      expect(time.timeScale).toBe(10);
      expect(Date.parse(time.now) - clock.now().getTime()).toBe(9000);
    } finally {
      await emu.close();
    }
  });
});
