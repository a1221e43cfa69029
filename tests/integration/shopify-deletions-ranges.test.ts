/**
 * Shopify orders deleted without a webhook in a store too large to list every id (ADR 0046, addendum): the check
 * halves id ranges with `ordersCount(query: "id:>=a id:<=b")` against our own count of each range and lists only a
 * small range that still differs — over real loopback HTTP to the emulator, on SQLite and PostgreSQL. The emulator's
 * request log proves the cost: counts growing with log2(N / 250), a listing page per deletion, where listing every
 * id would take N / 250 pages (32 here). Customers (3,000) and products (1,500) take the same path with their own counts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { LoggedGraphqlRequest } from "../../emulators/shopify/graphql/request-log";
import { runSync } from "../../app/sync/engine.server";
import type { HeldRecords, ResourceReader, SyncSource } from "../../app/sync/types";
import { liveExternalIds } from "../../app/sync/testing/fixtures";
import { DATABASE_KINDS } from "../setup/db";
import { SHOP, startShopifyHarness, withoutReadAllOrders, type ShopifyHarness } from "./shopify-harness";

const ORDERS = 8_000;
const gid = (id: bigint | string) => `gid://shopify/Order/${id}`;
const ascending = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
/** The bounds of a range query the check sent (`id:>=a id:<=b`, after any other term), exact. */
const boundsOf = (query: string) => {
  const m = /id:>=(\d+) id:<=(\d+)$/.exec(query);
  return m ? { from: BigInt(m[1]), last: BigInt(m[2]) } : null;
};
/** The emulator's control API (`/_emulator/...`) of a harness. */
const controlOf = (h: ShopifyHarness) => (path: string, init?: RequestInit) =>
  fetch(`${h.emu.url}/_emulator${path}`, init);
/** The GraphQL requests the emulator logged since its log was last cleared. */
const loggedRequests = async (h: ShopifyHarness) =>
  ((await (await controlOf(h)("/requests")).json()) as { requests: LoggedGraphqlRequest[] }).requests;
/** The queries of `operation` that carried an id range, in the order sent. */
const rangeQueries = (log: LoggedGraphqlRequest[], operation: string) =>
  log
    .filter((r) => r.operationName === operation)
    .map((r) => String(r.variables?.query ?? ""))
    .filter((q) => boundsOf(q) !== null);

describe.each(DATABASE_KINDS)(
  "Shopify orders deleted without a webhook, found by id ranges, on %s",
  (kind) => {
    let h: ShopifyHarness;
    const shop = () => h.emu.context.shops.get(SHOP)!;
    const control = (path: string, init?: RequestInit) => controlOf(h)(path, init);
    const json = { "Content-Type": "application/json" };
    const requests = () => loggedRequests(h);
    const named = (log: LoggedGraphqlRequest[], operation: string) =>
      log.filter((r) => r.operationName === operation);
    const sync = async (source?: SyncSource) =>
      runSync(h.db, {
        integrationId: h.integrationId,
        kind: "incremental",
        ...(source ? { source } : { sources: h.platforms }),
      });
    const silentlyDelete = async (ids: bigint[]) => {
      for (const id of ids) {
        const res = await control(`/shops/${SHOP}/orders/${id}?webhook=false`, { method: "DELETE" });
        expect(res.status).toBe(200);
      }
    };
    const storeOrders = () => [...shop().orders.values()].map((o) => gid(o.id)).sort();
    const ourOrders = async () => (await liveExternalIds(h.db, h.integrationId)).orders;
    const ids = () => [...shop().orders.values()].map((o) => o.id).sort(ascending);

    beforeAll(async () => {
      h = await startShopifyHarness(kind, { customers: 20, orders: ORDERS, products: 5 });
      expect(
        (await runSync(h.db, { integrationId: h.integrationId, kind: "full", sources: h.platforms })).status,
      ).toBe("succeeded");
      expect(await ourOrders()).toEqual(storeOrders());
    }, 300_000);
    afterAll(async () => h?.close());
    beforeEach(async () => {
      await control("/faults", { method: "DELETE" });
      await control("/requests", { method: "DELETE" });
    });

    it("finds one order deleted near the newest end with log2(N / 250) range counts and one listing page", async () => {
      const all = ids();
      // Below the 16 seeded ids past 2^53 at the top: the 30th-newest ordinary order.
      const gone = all[all.length - 46];
      await silentlyDelete([gone]);
      const summary = await sync();
      expect(summary.status).toBe("succeeded");
      expect(summary.resources.orders?.deleted).toBe(1);
      expect(await ourOrders()).toEqual(storeOrders());
      const log = await requests();
      // Our whole range once, then one count per halving: 8,000 → 4,000 → 2,000 → 1,000 → 500 → 250, listed.
      expect(rangeQueries(log, "OrdersCount")).toHaveLength(6);
      expect(rangeQueries(log, "OrderIds")).toHaveLength(1);
      expect(named(log, "OrderIds")).toHaveLength(1);
      const [listed] = rangeQueries(log, "OrderIds").map(boundsOf);
      expect(listed!.from <= gone && gone <= listed!.last).toBe(true);
      expect(named(log, "RecordsExist").map((r) => r.variables.ids)).toEqual([[gid(gone)]]);
    });

    it("finds several orders deleted across the range, past 2^53 too, with exact bounds and one confirmation", async () => {
      const all = ids();
      const big = all.filter((id) => id > 2n ** 53n);
      expect(big.length).toBeGreaterThan(10);
      const gone = [all[3], all[2_600], all[5_100], big[big.length - 2]];
      await silentlyDelete(gone);
      const before = await ourOrders();
      const summary = await sync();
      expect(summary.status).toBe("succeeded");
      expect(summary.resources.orders?.deleted).toBe(4);
      const after = await ourOrders();
      expect(before.filter((id) => !after.includes(id))).toEqual(gone.map(gid).sort());
      expect(after).toEqual(storeOrders());
      const log = await requests();
      const counts = rangeQueries(log, "OrdersCount");
      const listings = rangeQueries(log, "OrderIds");
      // At most one count per halving per deletion (shared halvings count once), one page per deletion: far from the
      // 32 pages of listing all 8,000 ids.
      expect(counts.length).toBeLessThanOrEqual(1 + 4 * 5);
      expect(listings.length).toBe(4);
      expect(named(log, "OrderIds")).toHaveLength(4);
      // Our whole range ends at our largest id, past 2^53, written exactly; the last listing holds the deleted big id.
      expect(boundsOf(counts[0])!.last).toBe(all[all.length - 1]);
      const last = boundsOf(listings[3])!;
      expect([last.from <= big[big.length - 2], big[big.length - 2] <= last.last]).toEqual([true, true]);
      // The candidates wait until they explain the gap: one confirmation for all four.
      expect(named(log, "RecordsExist").map((r) => r.variables.ids)).toEqual([gone.map(gid)]);
    });

    it("without read_all_orders halves ranges of recent orders only, every count and listing keeping the window", async () => {
      const restore = await withoutReadAllOrders(h);
      const daysAgo = (o: { createdAt: Date }) => (Date.now() - o.createdAt.getTime()) / 86_400_000;
      const orders = [...shop().orders.values()].sort((a, b) => ascending(a.id, b.id));
      // More recent orders than the listing of everything is kept for (1,000): the ranges are halved.
      expect(orders.filter((o) => daysAgo(o) < 50).length).toBeGreaterThan(1_000);
      const recent = orders.filter((o) => daysAgo(o) < 30);
      const gone = recent[Math.floor(recent.length / 2)].id;
      try {
        await silentlyDelete([gone]);
        const before = await ourOrders();
        const summary = await sync();
        expect(summary.status).toBe("succeeded");
        expect(summary.resources.orders?.deleted).toBe(1);
        expect(summary.resources.orders?.errors ?? []).toEqual([]);
        // Exactly that order; every older one (hidden from this token, as if deleted) is still here.
        expect(await ourOrders()).toEqual(before.filter((id) => id !== gid(gone)));
        const log = await requests();
        const window = /^created_at:>='\d{4}-\d\d-\d\dT[\d:.]+Z' id:>=\d+ id:<=\d+$/;
        expect(rangeQueries(log, "OrdersCount").length).toBeGreaterThan(2);
        expect(rangeQueries(log, "OrdersCount").every((q) => window.test(q))).toBe(true);
        expect(named(log, "OrderIds").map((r) => window.test(String(r.variables.query)))).toEqual([true]);
        expect(named(log, "RecordsExist").flatMap((r) => r.variables.ids as string[])).toEqual([gid(gone)]);
      } finally {
        await restore();
      }
      expect(await ourOrders()).toEqual(storeOrders());
    });

    it("misses a deletion while the store holds an order we do not in the same range, and finds it once we hold that order", async () => {
      const all = ids();
      // Hidden: among our newest ordinary ids, in the range where the store's new order lands (its id is above every
      // ordinary seeded id, below those past 2^53). Found: an old one, far from it.
      const [hidden, found] = [all[all.length - 40], all[500]];
      await silentlyDelete([hidden, found]);
      const integration = await h.db.integration.findUniqueOrThrow({ where: { id: h.integrationId } });
      const source = await h.platforms.sourceFor(h.db, integration);
      const orders = source.readers.orders as ResourceReader<unknown, "orders">;
      let created: bigint | null = null;
      const wrapped: ResourceReader<unknown, "orders"> = {
        ...orders,
        read(cursor, signal, held) {
          const watched: HeldRecords | undefined = held && {
            ...held,
            // Created in the store as the search starts (after the read, after the overall counts), not read here.
            async countIn(range, seenBefore, filter) {
              created ??= await createOrderThere();
              return held.countIn(range, seenBefore, filter);
            },
          };
          return orders.read(cursor, signal, watched);
        },
      };
      let summary = await sync({ ...source, readers: { ...source.readers, orders: wrapped } });
      expect(summary.status).toBe("succeeded");
      expect(created).not.toBeNull();
      const ordinary = all.filter((id) => id < 2n ** 53n);
      expect([ordinary[ordinary.length - 1] < created!, created! < 2n ** 53n]).toEqual([true, true]);
      // The gap over our range is 1 (2 gone, 1 new): explained by the one found; the other range's counts match.
      expect(summary.resources.orders?.deleted).toBe(1);
      let ours = await ourOrders();
      expect(ours).not.toContain(gid(found));
      expect(ours).toContain(gid(hidden));
      const log = await requests();
      expect(named(log, "RecordsExist").flatMap((r) => r.variables.ids as string[])).toEqual([gid(found)]);
      // One range listed, the found one's; the hidden one's range was never listed (its counts matched).
      const [listed] = rangeQueries(log, "OrderIds").map(boundsOf);
      expect(named(log, "OrderIds")).toHaveLength(1);
      expect([listed!.from <= found && found <= listed!.last, listed!.last < hidden]).toEqual([true, true]);

      // The next read brings the new order in: the counts of that range now differ by the deletion.
      await control("/requests", { method: "DELETE" });
      summary = await sync();
      expect(summary.resources.orders?.deleted).toBe(1);
      ours = await ourOrders();
      expect(ours).toContain(gid(created!));
      expect(ours).toEqual(storeOrders());
    });

    /** An order created in the store only (its webhook is not processed here), with the store's next id. */
    async function createOrderThere(): Promise<bigint> {
      const customer = [...shop().customers.values()][0];
      const res = await control(`/shops/${SHOP}/orders`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ customerId: customer.id.toString(), email: "during.search@example.com" }),
      });
      expect(res.status).toBe(201);
      return BigInt(((await res.json()) as { id: string }).id);
    }
  },
);

describe.each(DATABASE_KINDS)(
  "Shopify customers deleted without a webhook, found by id ranges, on %s",
  (kind) => {
    const CUSTOMERS = 3_000;
    const customerGid = (id: bigint) => `gid://shopify/Customer/${id}`;
    let h: ShopifyHarness;
    const shop = () => h.emu.context.shops.get(SHOP)!;
    const control = (path: string, init?: RequestInit) => controlOf(h)(path, init);
    const requests = () => loggedRequests(h);
    /** Our live customer links of the store (tombstones and guests' email links left out). */
    const ourCustomers = async () =>
      (
        await liveExternalIds(h.db, h.integrationId, {
          externalId: { startsWith: "gid://shopify/Customer/" },
        })
      ).customers;
    const storeCustomers = () => [...shop().customers.values()].map((c) => customerGid(c.id)).sort();

    beforeAll(async () => {
      h = await startShopifyHarness(kind, { customers: CUSTOMERS, orders: 20, products: 5 });
      expect(
        (await runSync(h.db, { integrationId: h.integrationId, kind: "full", sources: h.platforms })).status,
      ).toBe("succeeded");
      expect(await ourCustomers()).toEqual(storeCustomers());
    }, 300_000);
    afterAll(async () => h?.close());

    it("halves customer id ranges with customersCount, lists one range per deletion and leaves tombstones", async () => {
      const all = [...shop().customers.values()].map((c) => c.id).sort(ascending);
      const gone = [all[10], all[all.length - 20]];
      for (const id of gone) {
        const res = await control(`/shops/${SHOP}/customers/${id}?webhook=false`, { method: "DELETE" });
        expect(res.status).toBe(200);
      }
      await control("/requests", { method: "DELETE" });
      const summary = await runSync(h.db, {
        integrationId: h.integrationId,
        kind: "incremental",
        sources: h.platforms,
      });
      expect(summary.status).toBe("succeeded");
      expect(summary.resources.customers?.deleted).toBe(2);
      expect(await ourCustomers()).toEqual(storeCustomers());
      // The links stay as tombstones (ADR 0044), not removed.
      expect(
        await h.db.contactSource.count({
          where: {
            integrationId: h.integrationId,
            externalId: { in: gone.map(customerGid) },
            deletedAt: { not: null },
          },
        }),
      ).toBe(2);
      const log = await requests();
      const counts = rangeQueries(log, "CustomersCount");
      const listings = log.filter((r) => r.operationName === "CustomerIds");
      // 3,000 → 1,500 → 750 → 375 → 187: a handful of counts per deletion, one page each — not the 12 pages of all ids.
      expect(counts.length).toBeGreaterThan(2);
      expect(counts.length).toBeLessThanOrEqual(1 + 2 * 4);
      expect(listings).toHaveLength(2);
      expect(listings.every((r) => boundsOf(String(r.variables?.query ?? "")) !== null)).toBe(true);
    });
  },
);

describe.each(DATABASE_KINDS)(
  "Shopify products deleted without a webhook, found by id ranges, on %s",
  (kind) => {
    // Above the 1,000 held records from which the check halves ranges instead of listing every id.
    const PRODUCTS = 1_500;
    const productGid = (id: bigint) => `gid://shopify/Product/${id}`;
    let h: ShopifyHarness;
    const shop = () => h.emu.context.shops.get(SHOP)!;
    const control = (path: string, init?: RequestInit) => controlOf(h)(path, init);
    const requests = () => loggedRequests(h);
    const ourProducts = async () => (await liveExternalIds(h.db, h.integrationId)).products;
    const storeProducts = () => [...shop().products.values()].map((p) => productGid(p.id)).sort();

    beforeAll(async () => {
      h = await startShopifyHarness(kind, { customers: 5, orders: 5, products: PRODUCTS });
      expect(
        (await runSync(h.db, { integrationId: h.integrationId, kind: "full", sources: h.platforms })).status,
      ).toBe("succeeded");
      expect(await ourProducts()).toHaveLength(PRODUCTS);
      expect(await ourProducts()).toEqual(storeProducts());
    }, 300_000);
    afterAll(async () => h?.close());

    it("halves product id ranges with productsCount and lists one range per deletion", async () => {
      const all = [...shop().products.values()].map((p) => p.id).sort(ascending);
      const gone = [all[1], all[900]];
      for (const id of gone) {
        const res = await control(`/shops/${SHOP}/products/${id}?webhook=false`, { method: "DELETE" });
        expect(res.status).toBe(200);
      }
      await control("/requests", { method: "DELETE" });
      const before = await ourProducts();
      const summary = await runSync(h.db, {
        integrationId: h.integrationId,
        kind: "incremental",
        sources: h.platforms,
      });
      expect(summary.status).toBe("succeeded");
      expect(summary.resources.products?.deleted).toBe(2);
      const after = await ourProducts();
      expect(before.filter((id) => !after.includes(id))).toEqual(gone.map(productGid).sort());
      expect(after).toEqual(storeProducts());
      const log = await requests();
      const counts = rangeQueries(log, "ProductsCount");
      const listings = log.filter((r) => r.operationName === "ProductIds");
      // 1,500 → 750 → 375 → 187 per deletion: a few counts, one page each — not the 6 pages of every id.
      expect(counts.length).toBeGreaterThan(2);
      expect(counts.length).toBeLessThanOrEqual(1 + 2 * 3);
      expect(listings).toHaveLength(2);
      expect(listings.every((r) => boundsOf(String(r.variables?.query ?? "")) !== null)).toBe(true);
      expect(
        log.filter((r) => r.operationName === "RecordsExist").flatMap((r) => r.variables.ids as string[]),
      ).toEqual(gone.map(productGid));
    });
  },
);
