import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { LoggedRequest } from "../../../emulators/woocommerce/control/load";
import { renderOrder } from "../../../emulators/woocommerce/render/order";
import { startWooEmulator, type WooEmulator } from "../../../emulators/woocommerce/server";
import { ManualClock, wooClient } from "../../../emulators/woocommerce/test-helpers";
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from "../../../tests/setup/db";
import { applyRecords } from "../../sync/apply.server";
import { runSync } from "../../sync/engine.server";
import type { AppDb } from "../../sync/platform";
import type { HeldRecords, Resource, ResourceReader, SyncSource } from "../../sync/types";
import type { WooCommercePlatform } from "./index.server";
import { mapOrder } from "./mapping";
import { isStoreCustomer, seedWooStore, testPlatform, type TestStore } from "./testing/harness";
import { liveExternalIds } from "../../sync/testing/fixtures";

type Rest = ReturnType<typeof wooClient>;

/** The ids a complete sync must hold as live, from the emulator's own records. */
function storeIds(woo: WooEmulator) {
  const ids = (records: Iterable<{ id: number }>) => [...records].map((r) => String(r.id)).sort();
  return {
    customers: ids([...woo.store.customers.values(), ...woo.store.staff.values()].filter(isStoreCustomer)),
    orders: ids(
      [...woo.store.orders.values()].filter((o) => o.status !== "trash" && o.status !== "checkout-draft"),
    ),
    products: ids([...woo.store.products.values()].filter((p) => p.status !== "trash")),
  };
}

describe.each(DATABASE_KINDS)("WooCommerce records deleted for good without a webhook, on %s", (kind) => {
  let t: TestDatabase;
  let woo: WooEmulator;
  let platform: WooCommercePlatform;
  let store: TestStore;
  let rest: Rest;
  // Behind real time, moved by seconds (OAuth timestamps are checked against the store's clock: see source tests).
  const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000 - 600_000);
  const sync = async (runKind: "full" | "incremental", source?: SyncSource) =>
    runSync(t.db as never, {
      integrationId: store.integration.id,
      kind: runKind,
      source: source ?? (await platform.createSource(store.ctx)),
    });

  const ourIds = () =>
    liveExternalIds(t.db as never, store.integration.id, { NOT: { externalId: { startsWith: "guest:" } } });
  const requests = async (): Promise<LoggedRequest[]> =>
    ((await (await fetch(`${woo.url}/_emulator/requests`)).json()) as { requests: LoggedRequest[] }).requests;
  const clearRequests = async () => {
    await fetch(`${woo.url}/_emulator/requests`, { method: "DELETE" });
  };
  const listPath = (resource: Resource) => `/wp-json/wc/v3/${resource}`;
  /**
   * The id listing of the live list (not the trash listing, which also asks for `_fields=id`); customers' asks for
   * `id,role` (staff are left out of it, ADR 0047).
   */
  const listings = (log: LoggedRequest[], resource: Resource) =>
    log.filter(
      (r) =>
        r.path === listPath(resource) &&
        (r.query._fields === "id" || r.query._fields === "id,role") &&
        r.query.orderby === "id" &&
        !r.query.status,
    );
  const totals = (log: LoggedRequest[], resource: Resource) =>
    log.filter((r) => r.path === listPath(resource) && r.query.per_page === "1");
  /** A forced delete through the store's REST API: no webhook (orders) and none delivered anyway. */
  const forceDelete = async (resource: Resource, ids: number[]) => {
    for (const id of ids) await rest.delete(`${resource}/${id}`, { force: true });
  };
  const pick = <T extends { id: number }>(records: Map<number, T>, n: number, keep: (r: T) => boolean) =>
    [...records.values()]
      .filter(keep)
      .slice(0, n)
      .map((r) => r.id);

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    woo = await startWooEmulator({
      counts: { customers: 120, orders: 260, products: 30 },
      clock,
      autoDeliver: false,
    });
    platform = testPlatform({ pageConcurrency: 3 });
    const key = woo.createKey("read_write");
    store = await seedWooStore(t.db as unknown as AppDb, woo.url, key);
    rest = wooClient(woo.url, key);
    expect((await sync("full")).status).toBe("succeeded");
    expect(await ourIds()).toEqual(storeIds(woo));
  });
  afterAll(async () => {
    platform?.close();
    await woo?.close();
    await t?.cleanup();
  });
  beforeEach(async () => {
    clock.advance(5_000);
    woo.clearFaults();
    await clearRequests();
  });

  it("asks for no id listing while the counts match (and one count per list on an incremental sync), then lists only the list that lost a record", async () => {
    const full = await sync("full");
    expect(full.status).toBe("succeeded");
    let log = await requests();
    for (const resource of ["customers", "orders", "products"] as const) {
      expect(listings(log, resource)).toEqual([]);
      // A full read already carries the store's total: nothing more is asked.
      expect(totals(log, resource)).toEqual([]);
    }

    await clearRequests();
    expect((await sync("incremental")).status).toBe("succeeded");
    log = await requests();
    for (const resource of ["customers", "orders", "products"] as const)
      expect(listings(log, resource)).toEqual([]);
    // Orders and products read only changes: one request of one id brings the live total. Customers are read whole.
    expect(totals(log, "orders").length).toBe(1);
    expect(totals(log, "products").length).toBe(1);
    expect(totals(log, "customers")).toEqual([]);

    // One of the last orders: every page of ids is listed (the store holds 259 live orders then, 100 a page).
    const live = storeIds(woo)
      .orders.map(Number)
      .sort((a, b) => a - b);
    const late = live[live.length - 2];
    await forceDelete("orders", [late]);
    await clearRequests();
    const summary = await sync("incremental");
    expect(summary.status).toBe("succeeded");
    expect(summary.resources.orders?.deleted).toBe(1);
    log = await requests();
    expect(listings(log, "orders").map((r) => r.query.page)).toEqual(["1", "2", "3"]);
    expect(listings(log, "products")).toEqual([]);
    expect(listings(log, "customers")).toEqual([]);
    // Confirmed by id before the deletion.
    expect(log.filter((r) => r.path === `${listPath("orders")}/${late}`)).toHaveLength(1);
    expect((await ourIds()).orders).not.toContain(String(late));
    expect(await ourIds()).toEqual(storeIds(woo));

    // One of the first: once it is confirmed the gap is explained, and the listing stops after its first page.
    clock.advance(5_000);
    const early = live[3];
    await forceDelete("orders", [early]);
    await clearRequests();
    expect((await sync("incremental")).resources.orders?.deleted).toBe(1);
    log = await requests();
    expect(listings(log, "orders").map((r) => r.query.page)).toEqual(["1"]);
    expect(await ourIds()).toEqual(storeIds(woo));
  });

  it("removes exactly the orders, products and customers deleted for good, on an incremental and on a full sync", async () => {
    const orders = pick(woo.store.orders, 3, (o) => o.status === "processing");
    const products = pick(woo.store.products, 2, (p) => p.status === "publish");
    const customers = pick(woo.store.customers, 2, (c) => c.role === "customer");
    await forceDelete("orders", orders);
    await forceDelete("products", products);
    await forceDelete("customers", customers);
    const before = await ourIds();

    const incremental = await sync("incremental");
    expect(incremental.status).toBe("succeeded");
    expect([
      incremental.resources.customers?.deleted,
      incremental.resources.orders?.deleted,
      incremental.resources.products?.deleted,
    ]).toEqual([2, 3, 2]);
    const after = await ourIds();
    expect(after).toEqual(storeIds(woo));
    expect(before.orders.filter((id) => !after.orders.includes(id))).toEqual(orders.map(String).sort());
    expect(before.products.filter((id) => !after.products.includes(id))).toEqual(products.map(String).sort());
    expect(before.customers.filter((id) => !after.customers.includes(id))).toEqual(
      customers.map(String).sort(),
    );
    const integration = await t.db.integration.findUniqueOrThrow({ where: { id: store.integration.id } });
    expect([integration.syncedOrders, integration.syncedProducts]).toEqual([
      storeIds(woo).orders.length,
      storeIds(woo).products.length,
    ]);

    clock.advance(5_000);
    const moreOrders = pick(woo.store.orders, 2, (o) => o.status === "on-hold");
    const moreProducts = pick(woo.store.products, 1, (p) => p.status === "publish");
    await forceDelete("orders", moreOrders);
    await forceDelete("products", moreProducts);
    await clearRequests();
    const full = await sync("full");
    expect(full.status).toBe("succeeded");
    // The customers removed before are tombstones now (ADR 0044), not live links: their counts match again.
    expect(listings(await requests(), "customers")).toEqual([]);
    expect([
      full.resources.customers?.deleted,
      full.resources.orders?.deleted,
      full.resources.products?.deleted,
    ]).toEqual([undefined, 2, 1]);
    expect(await ourIds()).toEqual(storeIds(woo));
    // The rows stay, soft-deleted, as a deletion webhook would leave them.
    const rows = await t.db.order.findMany({
      where: { integrationId: store.integration.id, externalId: { in: moreOrders.map(String) } },
    });
    expect(rows.map((r) => r.deletedAt instanceof Date)).toEqual([true, true]);
  });

  it("does not remove a record the store created while its ids were being listed", async () => {
    const [gone, hidden] = pick(woo.store.orders, 2, (o) => o.status === "completed");
    await forceDelete("orders", [gone]);
    // Left out of every listing yet alive (see the next test): the gap stays open after our first chunk of ids,
    // so the comparison asks for our ids a second time.
    woo.store.updateOrder(hidden, { status: "checkout-draft" });
    const product = [...woo.store.products.values()].find(
      (p) => p.type === "simple" && p.status === "publish",
    )!;
    let createdId: number | null = null;
    // When the comparison asks for our ids the second time, the store's listing has passed every id we hold: an
    // order created now is missing from it, and its webhook writes it here before the comparison ends.
    const source = await platform.createSource(store.ctx);
    const orders = source.readers.orders as ResourceReader<unknown, "orders">;
    const wrapped: ResourceReader<unknown, "orders"> = {
      ...orders,
      read(cursor, signal, held) {
        let calls = 0;
        const watched: HeldRecords | undefined = held && {
          ...held,
          count: (seenBefore) => held.count(seenBefore),
          async idsAfter(after, limit, seenBefore) {
            if (++calls === 2) {
              const created = await rest.post("orders", {
                customer_id: 0,
                billing: { email: "during.listing@example.test" },
                line_items: [{ product_id: product.id, quantity: 1 }],
                set_paid: true,
              });
              createdId = created.data.id as number;
              const outcomes = await applyRecords(t.db as unknown as AppDb, {
                integrationId: store.integration.id,
                resource: "orders",
                remote: [renderOrder(woo.store.orders.get(createdId)!, woo.context.render)],
                map: mapOrder as (remote: unknown) => ReturnType<typeof mapOrder>,
              });
              expect(outcomes.map((o) => o.status)).toEqual(["applied"]);
            }
            return held.idsAfter(after, limit, seenBefore);
          },
        };
        return orders.read(cursor, signal, watched);
      },
    };
    const summary = await sync("incremental", { ...source, readers: { ...source.readers, orders: wrapped } });
    expect(summary.status).toBe("succeeded");
    expect(createdId).not.toBeNull();
    const log = await requests();
    const firstListing = log.indexOf(listings(log, "orders")[0]);
    const creation = log.findIndex((r) => r.method === "POST" && r.path === listPath("orders"));
    expect(firstListing).toBeGreaterThanOrEqual(0);
    expect(creation).toBeGreaterThan(firstListing);
    expect(summary.resources.orders?.deleted).toBe(1);
    // First seen here after the comparison began: never even a candidate (not asked for by id).
    expect(log.filter((r) => r.path === `${listPath("orders")}/${createdId}`)).toEqual([]);
    const ours = (await ourIds()).orders;
    expect(ours).toContain(String(createdId));
    expect(ours).not.toContain(String(gone));
    expect(ours).toEqual([...storeIds(woo).orders, String(hidden)].sort());
    woo.store.updateOrder(hidden, { status: "completed" });
  });

  it("keeps a record the store still has but leaves out of its list, and removes the one it confirms gone", async () => {
    const [gone, hidden] = pick(woo.store.orders, 2, (o) => o.status === "completed");
    await forceDelete("orders", [gone]);
    // A status `status=any` does not cover: missing from every listing, yet the store reads it by id.
    woo.store.updateOrder(hidden, { status: "checkout-draft" });
    const summary = await sync("incremental");
    expect(summary.status).toBe("succeeded");
    expect(summary.resources.orders?.deleted).toBe(1);
    const log = await requests();
    expect(log.filter((r) => r.path === `${listPath("orders")}/${hidden}`)).toHaveLength(1);
    const ours = (await ourIds()).orders;
    expect(ours).not.toContain(String(gone));
    expect(ours).toEqual([...storeIds(woo).orders, String(hidden)].sort());
    woo.store.updateOrder(hidden, { status: "completed" });
  });

  it("rides out a short store failure while confirming, and removes nothing unconfirmed when the store keeps failing", async () => {
    const [first, second] = pick(woo.store.orders, 2, (o) => o.status === "completed");
    await forceDelete("orders", [first]);
    // Two failed answers on single-order reads: the client's retries get through, the deletion is confirmed.
    woo.addFault({ type: "error", status: 503, count: 2, pathPrefix: "/wp-json/wc/v3/orders/" });
    const retried = await sync("incremental");
    expect(retried.status).toBe("succeeded");
    expect(retried.resources.orders?.deleted).toBe(1);
    expect((await ourIds()).orders).not.toContain(String(first));

    clock.advance(5_000);
    await forceDelete("orders", [second]);
    woo.addFault({ type: "error", status: 503, persistent: true, pathPrefix: "/wp-json/wc/v3/orders/" });
    const failing = await sync("incremental");
    // The read itself succeeded: the run too, with the unfinished check among its errors.
    expect(failing.status).toBe("succeeded");
    expect(failing.resources.orders?.success).toBe(true);
    expect(failing.resources.orders?.deleted).toBeUndefined();
    expect(failing.resources.orders?.errors).toEqual([
      expect.stringMatching(
        /^Checking the store for orders deleted without a webhook did not finish: .*503.* the next sync checks again\.$/,
      ),
    ]);
    expect((await ourIds()).orders).toContain(String(second));

    woo.clearFaults();
    clock.advance(5_000);
    const next = await sync("incremental");
    expect(next.resources.orders?.deleted).toBe(1);
    expect(await ourIds()).toEqual(storeIds(woo));
  });
});
