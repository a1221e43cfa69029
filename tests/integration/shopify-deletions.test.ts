/**
 * Shopify records deleted while their delete webhooks were not arriving (ADR 0046), found after each read and removed
 * through the engine's deletion path — over real loopback HTTP to the emulator, on SQLite and PostgreSQL. The
 * emulator deletes with `?webhook=false` (a lost delivery) and logs every GraphQL request, which proves what was and
 * was not asked. Full reads of customers and orders go through bulk operations here (threshold 50), the rest pages.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { LoggedGraphqlRequest } from "../../emulators/shopify/graphql/request-log";
import { mapOrderNode } from "../../app/platforms/shopify/mapping/orders";
import type { ShopifyOrderNode } from "../../app/platforms/shopify/mapping/types";
import { ORDERS_PAGE_QUERY } from "../../app/platforms/shopify/queries/orders";
import { applyRecords } from "../../app/sync/apply.server";
import { runSync } from "../../app/sync/engine.server";
import type { HeldRecords, Resource, ResourceReader, SyncSource } from "../../app/sync/types";
import { DATABASE_KINDS } from "../setup/db";
import { liveExternalIds } from "../../app/sync/testing/fixtures";
import {
  issueShopToken,
  SHOP,
  startShopifyHarness,
  withoutReadAllOrders,
  type ShopifyHarness,
} from "./shopify-harness";

const TYPE = { customers: "Customer", orders: "Order", products: "Product" } as const;
const LISTING = { customers: "CustomerIds", orders: "OrderIds", products: "ProductIds" } as const;
const COUNT = { customers: "CustomersCount", orders: "OrdersCount", products: "ProductsCount" } as const;
const gid = (resource: Resource, id: bigint | string) => `gid://shopify/${TYPE[resource]}/${id}`;

describe.each(DATABASE_KINDS)("Shopify records deleted without a webhook, on %s", (kind) => {
  let h: ShopifyHarness;
  const shop = () => h.emu.context.shops.get(SHOP)!;
  const control = (path: string, init?: RequestInit) => fetch(`${h.emu.url}/_emulator${path}`, init);
  const json = { "Content-Type": "application/json" };
  const requests = async () =>
    ((await (await control("/requests")).json()) as { requests: LoggedGraphqlRequest[] }).requests;
  const named = (log: LoggedGraphqlRequest[], operation: string) =>
    log.filter((r) => r.operationName === operation);
  const sync = async (runKind: "full" | "incremental", source?: SyncSource) =>
    runSync(h.db, {
      integrationId: h.integrationId,
      kind: runKind,
      ...(source ? { source } : { sources: h.platforms }),
    });
  /** Deleted in the store, no webhook sent. */
  const silentlyDelete = async (resource: Resource, ids: bigint[]) => {
    for (const id of ids) {
      const res = await control(`/shops/${SHOP}/${resource}/${id}?webhook=false`, { method: "DELETE" });
      expect(res.status).toBe(200);
    }
  };
  const storeIds = () => ({
    customers: [...shop().customers.values()].map((c) => gid("customers", c.id)).sort(),
    orders: [...shop().orders.values()].map((o) => gid("orders", o.id)).sort(),
    products: [...shop().products.values()].map((p) => gid("products", p.id)).sort(),
  });
  const ourIds = () => liveExternalIds(h.db, h.integrationId, { externalUpdatedAt: { not: null } });
  const pick = <T extends { id: bigint }>(records: Iterable<T>, n: number, from = 0) =>
    [...records].slice(from, from + n).map((r) => r.id);

  beforeAll(async () => {
    h = await startShopifyHarness(kind, {
      customers: 60,
      orders: 120,
      products: 10,
      platform: { tuning: { bulkThreshold: 50, maxClientAttempts: 2 } },
    });
    expect((await sync("full")).status).toBe("succeeded");
    expect(await ourIds()).toEqual(storeIds());
  });
  afterAll(async () => h?.close());
  beforeEach(async () => {
    await control("/faults", { method: "DELETE" });
    await control("/requests", { method: "DELETE" });
  });

  it("lists no ids while the counts match (one count per resource after its read), then only the resource that lost a record", async () => {
    expect((await sync("full")).status).toBe("succeeded");
    let log = await requests();
    for (const resource of ["customers", "orders", "products"] as const) {
      expect(named(log, LISTING[resource])).toEqual([]);
      // The check's count comes after the read's own (pages or bulk?) or the early export's.
      expect(named(log, COUNT[resource]).length).toBeGreaterThanOrEqual(2);
    }
    expect(named(log, "RecordsExist")).toEqual([]);
    expect(named(log, "AppScopes")).toEqual([]);

    await control("/requests", { method: "DELETE" });
    expect((await sync("incremental")).status).toBe("succeeded");
    log = await requests();
    for (const resource of ["customers", "orders", "products"] as const) {
      expect(named(log, LISTING[resource])).toEqual([]);
      // One count of the changes (pages or bulk?), one of everything for the check.
      expect(named(log, COUNT[resource]).filter((r) => r.variables.query === null)).toHaveLength(1);
    }
    expect(named(log, "RecordsExist")).toEqual([]);

    const [order] = pick(shop().orders.values(), 1, 70);
    await silentlyDelete("orders", [order]);
    await control("/requests", { method: "DELETE" });
    const summary = await sync("incremental");
    expect(summary.status).toBe("succeeded");
    expect(summary.resources.orders?.deleted).toBe(1);
    expect(summary.resources.customers?.deleted).toBeUndefined();
    log = await requests();
    expect(named(log, "OrderIds")).toHaveLength(1); // 119 ids: one page of 250
    expect(named(log, "CustomerIds")).toEqual([]);
    expect(named(log, "ProductIds")).toEqual([]);
    // Confirmed by id before the deletion: the one candidate, once.
    expect(named(log, "RecordsExist").map((r) => r.variables.ids)).toEqual([[gid("orders", order)]]);
    expect(named(log, "AppScopes")).toHaveLength(1);
    expect(await ourIds()).toEqual(storeIds());
  });

  it("removes exactly the customers, orders and products deleted without a webhook, on an incremental and on a full sync", async () => {
    const customers = pick(shop().customers.values(), 2, 5);
    const orders = pick(shop().orders.values(), 3, 10);
    const products = pick(shop().products.values(), 2, 1);
    await silentlyDelete("customers", customers);
    await silentlyDelete("orders", orders);
    await silentlyDelete("products", products);
    const before = await ourIds();

    const incremental = await sync("incremental");
    expect(incremental.status).toBe("succeeded");
    expect([
      incremental.resources.customers?.deleted,
      incremental.resources.orders?.deleted,
      incremental.resources.products?.deleted,
    ]).toEqual([2, 3, 2]);
    const after = await ourIds();
    expect(after).toEqual(storeIds());
    for (const [resource, ids] of [
      ["customers", customers],
      ["orders", orders],
      ["products", products],
    ] as const) {
      expect(before[resource].filter((id) => !after[resource].includes(id))).toEqual(
        ids.map((id) => gid(resource, id)).sort(),
      );
    }
    // A customer's store link stays as a tombstone (ADR 0044); the contact itself is kept.
    const links = await h.db.contactSource.findMany({
      where: {
        integrationId: h.integrationId,
        externalId: { in: customers.map((id) => gid("customers", id)) },
      },
    });
    expect(links.map((l) => l.deletedAt instanceof Date)).toEqual([true, true]);

    const moreOrders = pick(shop().orders.values(), 2, 40);
    const moreCustomers = pick(shop().customers.values(), 1, 30);
    await silentlyDelete("orders", moreOrders);
    await silentlyDelete("customers", moreCustomers);
    await control("/requests", { method: "DELETE" });
    const operations = h.emu.bulk.all(SHOP).length;
    const full = await sync("full");
    expect(full.status).toBe("succeeded");
    // Customers and orders were read through bulk operations, products through pages.
    expect(h.emu.bulk.all(SHOP).length).toBe(operations + 2);
    expect([
      full.resources.customers?.deleted,
      full.resources.orders?.deleted,
      full.resources.products?.deleted,
    ]).toEqual([1, 2, undefined]);
    // The products removed before are deleted rows now, not live ones: their counts match again.
    expect(named(await requests(), "ProductIds")).toEqual([]);
    expect(await ourIds()).toEqual(storeIds());
    const rows = await h.db.order.findMany({
      where: {
        integrationId: h.integrationId,
        externalId: { in: moreOrders.map((id) => gid("orders", id)) },
      },
    });
    expect(rows.map((r) => r.deletedAt instanceof Date)).toEqual([true, true]);
  });

  it("never asks about (nor removes) an order created here while the check runs", async () => {
    const [gone] = pick(shop().orders.values(), 1, 20);
    await silentlyDelete("orders", [gone]);
    const integration = await h.db.integration.findUniqueOrThrow({ where: { id: h.integrationId } });
    const source = await h.platforms.sourceFor(h.db, integration);
    const orders = source.readers.orders as ResourceReader<unknown, "orders">;
    let created: string | null = null;
    const token = await issueShopToken(h);
    const wrapped: ResourceReader<unknown, "orders"> = {
      ...orders,
      read(cursor, signal, held) {
        let calls = 0;
        const watched: HeldRecords | undefined = held && {
          ...held,
          // One more than we really hold: a gap the deletions do not explain (as when Shopify's count lags), so the
          // merge goes on past every id we had — to where an order created now would be, with Shopify's rising ids.
          count: async (seenBefore, prefix) => (await held.count(seenBefore, prefix)) + 1,
          async idsAfter(after, limit, seenBefore, prefix) {
            if (++calls === 2) created = await createOrderHereAndThere(token);
            return held.idsAfter(after, limit, seenBefore, prefix);
          },
        };
        return orders.read(cursor, signal, watched);
      },
    };
    const summary = await sync("incremental", { ...source, readers: { ...source.readers, orders: wrapped } });
    expect(summary.status).toBe("succeeded");
    expect(created).not.toBeNull();
    expect(summary.resources.orders?.deleted).toBe(1);
    const asked = named(await requests(), "RecordsExist").flatMap((r) => r.variables.ids as string[]);
    expect(asked).toEqual([gid("orders", gone)]);
    expect(await ourIds()).toEqual(storeIds());
    expect((await ourIds()).orders).toContain(created);
  });

  it("rides out a short outage while confirming, and removes nothing unconfirmed when Shopify keeps failing", async () => {
    const [first, second] = pick(shop().orders.values(), 2, 50);
    await silentlyDelete("orders", [first]);
    const fault = (count: number) =>
      control("/faults/http-5xx", {
        method: "POST",
        headers: json,
        body: JSON.stringify({ count, status: 503, operations: ["OrderIds", "RecordsExist"] }),
      });
    // One failed answer: the client's retry gets through.
    await fault(1);
    const retried = await sync("incremental");
    expect(retried.resources.orders?.deleted).toBe(1);
    expect((await ourIds()).orders).not.toContain(gid("orders", first));

    await silentlyDelete("orders", [second]);
    await fault(1_000);
    const failing = await sync("incremental");
    // The read itself succeeded: the run too, with the unfinished check among its errors.
    expect(failing.status).toBe("succeeded");
    expect(failing.resources.orders?.success).toBe(true);
    expect(failing.resources.orders?.deleted).toBeUndefined();
    expect(failing.resources.orders?.errors).toEqual([
      expect.stringMatching(
        /^Checking Shopify for orders deleted while webhooks were not arriving did not finish: .*503.* the next sync checks again\.$/,
      ),
    ]);
    expect((await ourIds()).orders).toContain(gid("orders", second));

    await control("/faults", { method: "DELETE" });
    expect((await sync("incremental")).resources.orders?.deleted).toBe(1);
    expect(await ourIds()).toEqual(storeIds());
  });

  it("without read_all_orders compares only recent orders: removes a recent one, never an older one (they look deleted)", async () => {
    // The shop's token now lacks read_all_orders: orders older than 60 days vanish from counts, lists and nodes.
    const restore = await withoutReadAllOrders(h);
    const daysAgo = (o: { createdAt: Date }) => (Date.now() - o.createdAt.getTime()) / 86_400_000;
    const orders = [...shop().orders.values()];
    const old = orders.filter((o) => daysAgo(o) > 60).length;
    expect(old).toBeGreaterThan(10);
    const recent = orders.find((o) => daysAgo(o) < 30)!;
    try {
      // Nothing deleted: the recent window matches, nothing is listed and nothing said.
      let summary = await sync("incremental");
      expect(summary.status).toBe("succeeded");
      expect(summary.resources.orders?.deleted).toBeUndefined();
      expect(summary.resources.orders?.errors ?? []).toEqual([]);
      let log = await requests();
      expect(named(log, "AppScopes")).toHaveLength(1);
      // The check's count of every order, then of the recent ones (the reader counts before its read too).
      expect(named(log, "OrdersCount").map((r) => r.variables?.query ?? null)).toEqual([
        expect.anything(),
        null,
        expect.stringMatching(/^created_at:>='\d{4}-\d\d-\d\dT[\d:.]+Z'$/),
      ]);
      expect(named(log, "OrderIds")).toEqual([]);

      await control("/requests", { method: "DELETE" });
      await silentlyDelete("orders", [recent.id]);
      const before = await ourIds();
      summary = await sync("incremental");
      expect(summary.status).toBe("succeeded");
      expect(summary.resources.orders?.deleted).toBe(1);
      expect(summary.resources.orders?.errors ?? []).toEqual([]);
      // Exactly the recent order went; every older one (hidden from this token) is still here.
      expect((await ourIds()).orders).toEqual(before.orders.filter((id) => id !== gid("orders", recent.id)));
      log = await requests();
      expect(named(log, "OrderIds").every((r) => typeof r.variables?.query === "string")).toBe(true);
      expect(named(log, "RecordsExist").flatMap((r) => r.variables?.ids as string[])).toEqual([
        gid("orders", recent.id),
      ]);
    } finally {
      await restore();
    }
    expect(await ourIds()).toEqual(storeIds());
  });

  /** An order created in the store and written here (as its webhook would), returning its GID. */
  async function createOrderHereAndThere(token: string): Promise<string> {
    const customer = [...shop().customers.values()][0];
    // Above every id the shop has (Shopify's ids rise; the emulator's own would fall below its seeded ids > 2^53).
    const highest = [...shop().orders.values()].reduce((max, o) => (o.id > max ? o.id : max), 0n);
    const res = await control(`/shops/${SHOP}/orders`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({
        id: (highest + 1_000n).toString(),
        customerId: customer.id.toString(),
        email: "during.check@example.com",
      }),
    });
    const { id } = (await res.json()) as { id: string };
    const answer = await fetch(`${h.emu.url}/admin/api/2026-10/graphql.json`, {
      method: "POST",
      headers: { ...json, "X-Shopify-Access-Token": token, "X-Emulated-Shop": SHOP },
      body: JSON.stringify({
        query: ORDERS_PAGE_QUERY,
        operationName: "OrdersPage",
        variables: { first: 1, query: `id:${id}`, lineItems: 5 },
      }),
    });
    const node = ((await answer.json()) as { data: { orders: { nodes: ShopifyOrderNode[] } } }).data.orders
      .nodes[0];
    const outcomes = await applyRecords(h.db, {
      integrationId: h.integrationId,
      resource: "orders",
      remote: [node],
      map: mapOrderNode as (remote: unknown) => ReturnType<typeof mapOrderNode>,
    });
    expect(outcomes.map((o) => o.status)).toEqual(["applied"]);
    return gid("orders", id);
  }
});
