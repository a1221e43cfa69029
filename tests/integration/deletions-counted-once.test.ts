/**
 * The demo's "57 (86 removed)" on every start, looked into: records a store deleted without a webhook are removed by
 * the first sync that finds them, counted there once, and never again by the syncs after it — the run's count is the
 * number of rows that sync marked deleted. Over loopback HTTP to both emulators, on SQLite and PostgreSQL, with the
 * store's records created after the first sync as the demo's activity creates them, then deleted with no delivery
 * (the demo's stores start again from their seed: what the last demo created is gone from them).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../../emulators/woocommerce/server";
import { ManualClock } from "../../emulators/woocommerce/test-helpers";
import { describeRun } from "../../app/integrations/sync-runs.server";
import { seedWooStore, testPlatform, type TestStore } from "../../app/platforms/woocommerce/testing/harness";
import type { WooCommercePlatform } from "../../app/platforms/woocommerce/index.server";
import { runSync } from "../../app/sync/engine.server";
import type { AppDb } from "../../app/sync/platform";
import type { SyncRunSummary } from "../../app/sync/types";
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from "../setup/db";
import { SHOP, startShopifyHarness, type ShopifyHarness } from "./shopify-harness";

type Removed = { customers: number; orders: number; products: number };

/** Per resource, what the sync history shows as removed for this run (read back from its stored row). */
async function removedShown(db: AppDb, summary: SyncRunSummary): Promise<Removed> {
  const run = describeRun(await db.syncRun.findUniqueOrThrow({ where: { id: summary.runId } }));
  const of = (resource: keyof Removed) => run.resources.find((r) => r.resource === resource)?.deleted ?? 0;
  return { customers: of("customers"), orders: of("orders"), products: of("products") };
}

/** Rows of the integration marked deleted, per resource (customers: store links kept as tombstones). */
async function markedDeleted(db: AppDb, integrationId: string): Promise<Removed> {
  const where = { integrationId, deletedAt: { not: null } };
  return {
    customers: await db.contactSource.count({ where }),
    orders: await db.order.count({ where }),
    products: await db.product.count({ where }),
  };
}

const NONE: Removed = { customers: 0, orders: 0, products: 0 };

describe.each(DATABASE_KINDS)(
  "Records deleted without a webhook are removed and counted once, on %s",
  (kind) => {
    describe("Shopify", () => {
      let h: ShopifyHarness;
      const sync = () =>
        runSync(h.db, { integrationId: h.integrationId, kind: "incremental", sources: h.platforms });
      const control = (path: string, method: string, body?: unknown) =>
        fetch(`${h.emu.url}/_emulator/shops/${SHOP}${path}`, {
          method,
          headers: { "Content-Type": "application/json" },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });

      beforeAll(async () => {
        h = await startShopifyHarness(kind, { customers: 40, orders: 60, products: 5 });
        expect(
          (await runSync(h.db, { integrationId: h.integrationId, kind: "full", sources: h.platforms }))
            .status,
        ).toBe("succeeded");
      });
      afterAll(async () => h?.close());

      it("reports 3 customers and 3 orders removed by the first incremental sync after they went, none after", async () => {
        const created: { customer: string; order: string }[] = [];
        for (let n = 0; n < 3; n++) {
          const email = `gone.${n}@example.com`;
          const customer = (await (
            await control("/customers", "POST", { firstName: "Gone", lastName: `${n}`, email })
          ).json()) as {
            id: string;
          };
          const order = (await (
            await control("/orders", "POST", {
              email,
              customerId: String(customer.id),
              totalPrice: "12.00",
              subtotalPrice: "12.00",
            })
          ).json()) as { id: string };
          created.push({ customer: String(customer.id), order: String(order.id) });
        }
        // The read brings them in (an incremental read starts at its cursor's second: it may read a record again).
        const read = await sync();
        expect(await removedShown(h.db, read)).toEqual(NONE);
        const live = { integrationId: h.integrationId, deletedAt: null };
        const ids = (type: string, key: "customer" | "order") =>
          created.map((c) => `gid://shopify/${type}/${c[key]}`);
        expect(
          await h.db.contactSource.count({
            where: { ...live, externalId: { in: ids("Customer", "customer") } },
          }),
        ).toBe(3);
        expect(
          await h.db.order.count({ where: { ...live, externalId: { in: ids("Order", "order") } } }),
        ).toBe(3);

        for (const { customer, order } of created) {
          expect((await control(`/orders/${order}?webhook=false`, "DELETE")).status).toBe(200);
          expect((await control(`/customers/${customer}?webhook=false`, "DELETE")).status).toBe(200);
        }
        const first = await sync();
        expect(first.status).toBe("succeeded");
        expect(await removedShown(h.db, first)).toEqual({ customers: 3, orders: 3, products: 0 });
        expect(await markedDeleted(h.db, h.integrationId)).toEqual({ customers: 3, orders: 3, products: 0 });

        for (let again = 0; again < 2; again++) {
          const next = await sync();
          expect(next.status).toBe("succeeded");
          expect(await removedShown(h.db, next)).toEqual(NONE);
          expect(await markedDeleted(h.db, h.integrationId)).toEqual({
            customers: 3,
            orders: 3,
            products: 0,
          });
        }
      });
    });

    describe("WooCommerce", () => {
      let t: TestDatabase;
      let woo: WooEmulator;
      let platform: WooCommercePlatform;
      let store: TestStore;
      // Behind real time, moved by seconds (OAuth timestamps are checked against the store's clock, ±15 minutes).
      const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000 - 600_000);
      const sync = async (kindOfRun: "full" | "incremental" = "incremental") => {
        clock.advance(5_000);
        return runSync(t.db as never, {
          integrationId: store.integration.id,
          kind: kindOfRun,
          source: await platform.createSource(store.ctx),
        });
      };

      beforeAll(async () => {
        t = await createTestDatabase(kind);
        woo = await startWooEmulator({
          counts: { customers: 40, orders: 60, products: 6 },
          clock,
          autoDeliver: false,
        });
        platform = testPlatform();
        store = await seedWooStore(t.db as unknown as AppDb, woo.url, woo.createKey("read_write"));
        expect((await sync("full")).status).toBe("succeeded");
      });
      afterAll(async () => {
        platform?.close();
        await woo?.close();
        await t?.cleanup();
      });

      it("reports records trashed or deleted for good once, though the trash is listed on every sync", async () => {
        const db = t.db as unknown as AppDb;
        const created = [0, 1, 2].map((n) => {
          const email = `gone.${n}@example.com`;
          const customer = woo.store.createCustomer({ email, first_name: "Gone", last_name: `${n}` });
          const order = woo.store.createOrder({
            customer_id: customer.id,
            status: "processing",
            billing: { email, first_name: "Gone", last_name: `${n}` },
            line_items: [{ name: "Mug", quantity: 1, total: "12.00", subtotal: "12.00" }],
          });
          return { customer: customer.id, order: order.id };
        });
        const read = await sync();
        expect(await removedShown(db, read)).toEqual(NONE);
        const live = { integrationId: store.integration.id, deletedAt: null };
        const ids = (key: "customer" | "order") => created.map((c) => String(c[key]));
        expect(
          await db.contactSource.count({ where: { ...live, externalId: { in: ids("customer") } } }),
        ).toBe(3);
        expect(await db.order.count({ where: { ...live, externalId: { in: ids("order") } } })).toBe(3);

        // Two orders deleted for good (no webhook, no trace), one moved to the trash; the customers deleted.
        woo.store.deleteOrder(created[0].order, true);
        woo.store.deleteOrder(created[1].order, true);
        woo.store.deleteOrder(created[2].order, false);
        for (const { customer } of created) woo.store.deleteCustomer(customer);
        const first = await sync();
        expect(first.status).toBe("succeeded");
        expect(await removedShown(db, first)).toEqual({ customers: 3, orders: 3, products: 0 });
        expect(await markedDeleted(db, store.integration.id)).toEqual({
          customers: 3,
          orders: 3,
          products: 0,
        });

        for (const kindOfRun of ["incremental", "incremental", "full"] as const) {
          const next = await sync(kindOfRun);
          expect(next.status).toBe("succeeded");
          expect(await removedShown(db, next)).toEqual(NONE);
          expect(await markedDeleted(db, store.integration.id)).toEqual({
            customers: 3,
            orders: 3,
            products: 0,
          });
        }
      });
    });
  },
);
