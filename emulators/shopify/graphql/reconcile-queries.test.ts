/**
 * What a connector needs to find records deleted without a webhook (app ADR 0046): exact counts, ids listed by
 * `sortKey: ID` page by page, `nodes(ids:)` answering null for what is gone (charged per id, at most 250), deletions
 * that send no webhook, the token's scopes, and the GraphQL request log that proves which queries were sent.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_SHOP } from "../model";
import type { RunningShopifyEmulator } from "../server";
import { gql, issueToken } from "../testing/client";
import { startTestEmulator, testClock } from "../testing/fixtures";
import type { LoggedGraphqlRequest } from "./request-log";

const LIST_IDS = `query OrderIds($after: String) {
  orders(first: 250, after: $after, sortKey: ID) { edges { node { id } } pageInfo { hasNextPage endCursor } }
}`;
type IdPage = {
  orders: { edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } };
};
const NODES = `query Gone($ids: [ID!]!) { nodes(ids: $ids) { id } }`;
const numericId = (gid: string) => BigInt(gid.slice(gid.lastIndexOf("/") + 1));

describe("Shopify emulator: what reconciling deletions needs", () => {
  let emu: RunningShopifyEmulator;
  let token: string;
  const clock = testClock();
  const control = (path: string, init?: RequestInit) => fetch(`${emu.url}/_emulator${path}`, init);
  const requests = async () =>
    ((await (await control("/requests")).json()) as { requests: LoggedGraphqlRequest[] }).requests;
  const count = async (root: string) =>
    (
      await gql<Record<string, { count: number; precision: string }>>(
        emu.url,
        token,
        `{ ${root}(limit: null) { count precision } }`,
        { apiVersion: "2026-10" },
      )
    ).body.data![root];

  beforeAll(async () => {
    // 600 orders: every 500th seeded id is above 2^53, so one such order sits among the others.
    emu = await startTestEmulator({ orders: 600, now: clock.now });
    token = await issueToken(emu.url, ["read_customers", "read_orders", "read_all_orders", "read_products"]);
  });
  afterAll(() => emu?.close());
  beforeEach(async () => {
    await control("/faults", { method: "DELETE" });
    await control("/requests", { method: "DELETE" });
  });

  it("GIVEN sortKey: ID WHEN every page is followed THEN each id comes once, ascending by value past 2^53", async () => {
    const ids: bigint[] = [];
    let after: string | null = null;
    for (;;) {
      const res: { body: { data?: IdPage } } = await gql<IdPage>(emu.url, token, LIST_IDS, {
        variables: { after },
      });
      const page: IdPage["orders"] = res.body.data!.orders;
      ids.push(...page.edges.map((e) => numericId(e.node.id)));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const shop = emu.context.shops.get(DEFAULT_SHOP)!;
    const expected = [...shop.orders.values()].map((o) => o.id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(ids).toEqual(expected);
    expect(ids.some((id) => id > 2n ** 53n)).toBe(true);
    // 600 ids, 250 a page: 3 pages, each 2 + 250 requested; actual 2 + ⌈ids returned ÷ 25⌉ (observed model).
    const log = await requests();
    expect(log.map((r) => [r.operationName, r.rootFields, r.requestedQueryCost, r.actualQueryCost])).toEqual([
      ["OrderIds", ["orders"], 252, 12],
      ["OrderIds", ["orders"], 252, 12],
      ["OrderIds", ["orders"], 252, 2 + 4],
    ]);
  });

  it("GIVEN id range terms THEN counts and ID-sorted listings keep exactly those ids, past 2^53, with other terms, a count still 10 points", async () => {
    const shop = emu.context.shops.get(DEFAULT_SHOP)!;
    const orders = [...shop.orders.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const ids = orders.map((o) => o.id);
    const counted = async (query: string) =>
      (
        await gql<{ ordersCount: { count: number; precision: string } }>(
          emu.url,
          token,
          "query OrdersCount($query: String) { ordersCount(query: $query, limit: null) { count precision } }",
          { variables: { query } },
        )
      ).body.data!.ordersCount;
    const listed = async (query: string) => {
      const found: bigint[] = [];
      let after: string | null = null;
      for (;;) {
        const res: { body: { data?: IdPage } } = await gql<IdPage>(
          emu.url,
          token,
          `query OrderIds($after: String, $query: String) {
            orders(first: 250, after: $after, query: $query, sortKey: ID) {
              edges { node { id } } pageInfo { hasNextPage endCursor }
            }
          }`,
          { variables: { after, query } },
        );
        const page: IdPage["orders"] = res.body.data!.orders;
        found.push(...page.edges.map((e) => numericId(e.node.id)));
        if (!page.pageInfo.hasNextPage) return found;
        after = page.pageInfo.endCursor;
      }
    };
    expect(await counted(`id:>=${ids[100]} id:<=${ids[399]}`)).toEqual({ count: 300, precision: "EXACT" });
    expect(await listed(`id:>=${ids[100]} id:<=${ids[399]}`)).toEqual(ids.slice(100, 400));
    expect((await counted(`id:>${ids[100]} id:<${ids[399]}`)).count).toBe(298);
    expect((await counted(`id:${ids[42]}`)).count).toBe(1);
    // Two seeded ids above 2^53 one apart (rows 7 and 507): a double holds neither, so only exact bounds split them.
    const [big, next] = ids.slice(-2);
    expect([big > 2n ** 53n, next - big]).toEqual([true, 1n]);
    expect((await counted(`id:>=${big} id:<=${big}`)).count).toBe(1);
    expect((await counted(`id:>=${next}`)).count).toBe(1);
    expect(await listed(`id:>=${ids[590]} id:<=${big}`)).toEqual(ids.slice(590, 599));
    expect((await counted(`id:>${next}`)).count).toBe(0);
    // With the window of a token without read_all_orders (created_at), both terms hold. Ids grow with creation
    // time, so the recent orders are the last rows: the range takes older and recent ones.
    const from = new Date(clock.now().getTime() - 50 * 86_400_000);
    const inRange = orders.slice(300, 590);
    const recent = inRange.filter((o) => o.createdAt >= from).map((o) => o.id);
    expect([recent.length > 10, recent.length < inRange.length]).toEqual([true, true]);
    const windowed = `created_at:>='${from.toISOString()}' id:>=${ids[300]} id:<=${ids[589]}`;
    expect((await counted(windowed)).count).toBe(recent.length);
    expect(await listed(windowed)).toEqual(recent);
    const log = await requests();
    expect(log.filter((r) => r.operationName === "OrdersCount").map((r) => r.actualQueryCost)).toEqual(
      Array(7).fill(10),
    );
  });

  it("GIVEN a record deleted with ?webhook=false THEN no webhook is emitted, counts drop and nodes answers null for it", async () => {
    const shop = emu.context.shops.get(DEFAULT_SHOP)!;
    const [gone, kept] = [...shop.products.values()].map((p) => p.id);
    const before = await count("productsCount");
    expect(before).toEqual({ count: shop.products.size, precision: "EXACT" });
    const emit = vi.spyOn(emu.context.webhooks, "emit");
    const res = await control(`/shops/${DEFAULT_SHOP}/products/${gone}?webhook=false`, { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(emit).not.toHaveBeenCalled();
    emit.mockRestore();
    expect(await count("productsCount")).toEqual({ count: before.count - 1, precision: "EXACT" });

    const ids = [`gid://shopify/Product/${gone}`, `gid://shopify/Product/${kept}`, "gid://shopify/Product/1"];
    const answer = await gql<{ nodes: Array<{ id: string } | null> }>(emu.url, token, NODES, {
      variables: { ids },
    });
    expect(answer.body.data!.nodes).toEqual([null, { id: ids[1] }, null]);
    // Requested per id asked for, found or not; actual ⌈3 ÷ 25⌉ (observed model).
    expect(answer.body.extensions!.cost).toMatchObject({ requestedQueryCost: 3, actualQueryCost: 1 });
  });

  it("GIVEN more than 250 ids WHEN nodes is asked THEN Shopify's input limit refuses it", async () => {
    const ids = Array.from({ length: 251 }, (_, i) => `gid://shopify/Order/${i + 1}`);
    const answer = await gql(emu.url, token, NODES, { variables: { ids } });
    expect(answer.body.errors?.[0]).toMatchObject({
      message: "The input array size of 251 is greater than the maximum allowed of 250.",
      extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" },
    });
  });

  it("GIVEN a token without read_all_orders THEN orders older than 60 days are left out of counts, listings and nodes alike", async () => {
    const recent = await issueToken(emu.url, ["read_orders"]);
    const shop = emu.context.shops.get(DEFAULT_SHOP)!;
    const cutoff = clock.now().getTime() - 60 * 86_400_000;
    const old = [...shop.orders.values()].find((o) => o.createdAt.getTime() < cutoff)!;
    const visible = [...shop.orders.values()].filter((o) => o.createdAt.getTime() >= cutoff).length;
    const counted = await gql<{ ordersCount: { count: number } }>(
      emu.url,
      recent,
      "{ ordersCount(limit: null) { count } }",
    );
    expect(counted.body.data!.ordersCount.count).toBe(visible);
    const nodes = await gql<{ nodes: unknown[] }>(emu.url, recent, NODES, {
      variables: { ids: [`gid://shopify/Order/${old.id}`] },
    });
    // Indistinguishable from a deleted order: why a connector must not reconcile orders without that scope.
    expect(nodes.body.data!.nodes).toEqual([null]);
    const scopes = await gql<{ currentAppInstallation: { accessScopes: Array<{ handle: string }> } }>(
      emu.url,
      recent,
      "{ currentAppInstallation { accessScopes { handle } } }",
    );
    expect(scopes.body.data!.currentAppInstallation.accessScopes).toEqual([{ handle: "read_orders" }]);
  });

  it("GIVEN a 5xx fault limited to one operation THEN only requests naming it fail, and the log records both", async () => {
    await control("/faults/http-5xx", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ count: 5, status: 502, operations: ["Gone"] }),
    });
    const other = await gql(emu.url, token, "query Other { shop { id } }");
    expect(other.status).toBe(200);
    const failed = await fetch(`${emu.url}/admin/api/2026-10/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
      body: JSON.stringify({ query: NODES, variables: { ids: [] }, operationName: "Gone" }),
    });
    expect(failed.status).toBe(502);
    const log = await requests();
    expect(log.map((r) => [r.operationName, r.status, r.apiVersion])).toEqual([
      ["Other", 200, "2025-04"],
      ["Gone", 502, "2026-10"],
    ]);
    await control("/requests", { method: "DELETE" });
    expect(await requests()).toEqual([]);
  });
});
