/**
 * Customers with other roles than `customer`, over real loopback HTTP against the emulator (ADR 0047): WooCommerce
 * Subscriptions' `subscriber`, a wholesale plugin's role (customers once they paid for an order), a site's registered
 * reader who never bought, and store staff, which are never customers.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { LoggedRequest } from "../../../emulators/woocommerce/control/load";
import { startWooEmulator, type WooEmulator } from "../../../emulators/woocommerce/server";
import { ManualClock, wooClient } from "../../../emulators/woocommerce/test-helpers";
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from "../../../tests/setup/db";
import { runSync } from "../../sync/engine.server";
import type { AppDb } from "../../sync/platform";
import type { ResourceReader, SyncSource } from "../../sync/types";
import type { WooCommercePlatform } from "./index.server";
import { isStoreCustomer, seedWooStore, testPlatform, type TestStore } from "./testing/harness";

describe.each(DATABASE_KINDS)("WooCommerce customers of every role, on %s", (kind) => {
  let t: TestDatabase;
  let woo: WooEmulator;
  let platform: WooCommercePlatform;
  let store: TestStore;
  let rest: ReturnType<typeof wooClient>;
  // Behind real time, moved by seconds (OAuth timestamps are checked against the store's clock: see source tests).
  const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000 - 600_000);
  const sync = async (runKind: "full" | "incremental", source?: SyncSource) =>
    runSync(t.db as never, {
      integrationId: store.integration.id,
      kind: runKind,
      source: source ?? (await platform.createSource(store.ctx)),
    });
  /** Users ids by role, from the emulator's own records. */
  const users = () => [...woo.store.customers.values(), ...woo.store.staff.values()];
  const customerIds = () =>
    users()
      .filter(isStoreCustomer)
      .map((u) => String(u.id))
      .sort();
  /** Live links a customer record filled in (not those only an order made). */
  const linked = async () =>
    (
      await t.db.contactSource.findMany({
        where: { integrationId: store.integration.id, deletedAt: null, externalUpdatedAt: { not: null } },
        select: { externalId: true },
      })
    )
      .map((r) => r.externalId)
      .sort();
  const link = (id: number) =>
    t.db.contactSource.findUnique({
      where: { integrationId_externalId: { integrationId: store.integration.id, externalId: String(id) } },
    });
  const setRole = async (id: number, role: string) => {
    const response = await fetch(`${woo.url}/_emulator/customers/${id}/role`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ role }),
    });
    expect(response.status).toBe(200);
  };
  const requests = async (): Promise<LoggedRequest[]> =>
    ((await (await fetch(`${woo.url}/_emulator/requests`)).json()) as { requests: LoggedRequest[] }).requests;
  /** The deletion check's listing of customer ids (`id,role` since ADR 0047, `id` before), never the read itself. */
  const idListings = (log: LoggedRequest[]) =>
    log.filter(
      (r) =>
        r.path === "/wp-json/wc/v3/customers" &&
        ["id", "id,role", "id,role,is_paying_customer"].includes(r.query._fields ?? "") &&
        r.query.per_page !== "1",
    );
  const byId = (log: LoggedRequest[], id: number) =>
    log.filter((r) => r.path === `/wp-json/wc/v3/customers/${id}`);
  /** The n-th seeded customer who has paid for an order. */
  const pick = (n: number) => [...woo.store.customers.values()].filter((c) => c.isPayingCustomer)[n].id;

  let subscriber: number;
  let wholesale: number;
  let reader: number;
  let administrator: number;
  let shopManager: number;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    woo = await startWooEmulator({
      counts: { customers: 130, orders: 300, products: 4 },
      clock,
      autoDeliver: false,
    });
    platform = testPlatform({ pageConcurrency: 3 });
    const key = woo.createKey("read_write");
    store = await seedWooStore(t.db as unknown as AppDb, woo.url, key);
    rest = wooClient(woo.url, key);
    [subscriber, wholesale] = [pick(3), pick(25)];
    await setRole(subscriber, "subscriber");
    await setRole(wholesale, "wholesale_customer");
    // A site's registered user (a blog reader) who never bought: not a customer until they pay.
    const registered = await rest.post("customers", {
      email: "blog.reader@example.test",
      first_name: "Blog",
      last_name: "Reader",
    });
    reader = (registered.data as { id: number }).id;
    await setRole(reader, "subscriber");
    administrator = users().find((u) => u.role === "administrator")!.id;
    shopManager = users().find((u) => u.role === "shop_manager")!.id;
  });
  afterAll(async () => {
    platform?.close();
    await woo?.close();
    await t?.cleanup();
  });
  beforeEach(async () => {
    clock.advance(5_000);
    await fetch(`${woo.url}/_emulator/requests`, { method: "DELETE" });
  });

  it("reads a paying subscriber and wholesale customer as customers on a full sync, never staff or a reader who never paid", async () => {
    const summary = await sync("full");
    expect(summary.status).toBe("succeeded");
    expect(summary.resources.customers).toMatchObject({ synced: customerIds().length, failed: 0 });
    expect(await linked()).toEqual(customerIds());
    expect(await linked()).toEqual(expect.arrayContaining([String(subscriber), String(wholesale)]));
    expect(await linked()).not.toContain(String(reader));
    for (const staff of [administrator, shopManager, reader]) {
      expect(await link(staff)).toBeNull();
      const email = woo.store.user(staff)!.email.toLowerCase();
      expect(await t.db.contact.count({ where: { email } })).toBe(0);
    }
    // Every role was listed, once, and no id listing followed: the store's total less its staff is ours.
    const log = await requests();
    expect(
      new Set(log.filter((r) => r.path === "/wp-json/wc/v3/customers").map((r) => r.query.role)),
    ).toEqual(new Set(["all"]));
    expect(idListings(log)).toEqual([]);
  });

  it("lists no ids after a customer became a subscriber, on this sync and the next", async () => {
    const switched = pick(10);
    await setRole(switched, "subscriber"); // WooCommerce Subscriptions: set_role, no webhook, no new date
    for (let run = 0; run < 2; run++) {
      const summary = await sync("incremental");
      expect(summary.status).toBe("succeeded");
      expect(summary.resources.customers?.deleted).toBeUndefined();
      expect(idListings(await requests())).toEqual([]);
      expect((await link(switched))?.deletedAt).toBeNull();
      clock.advance(5_000);
      await fetch(`${woo.url}/_emulator/requests`, { method: "DELETE" });
    }
    expect(await linked()).toEqual(customerIds());
  });

  it("unlinks a customer made shop manager once (a tombstone), and lists no ids on later syncs", async () => {
    const promoted = pick(20);
    const contactId = (await link(promoted))!.contactId;
    await setRole(promoted, "shop_manager");
    const first = await sync("incremental");
    expect(first.status).toBe("succeeded");
    expect(first.resources.customers?.deleted).toBe(1);
    const log = await requests();
    expect(idListings(log).length).toBeGreaterThan(0);
    // Confirmed by id: the store still has the user, as staff.
    expect(byId(log, promoted)).toHaveLength(1);
    const tombstone = await link(promoted);
    expect(tombstone?.deletedAt).toBeInstanceOf(Date);
    expect(tombstone?.contactId).toBe(contactId); // the person stays; only this store's link is a tombstone
    expect(await linked()).toEqual(customerIds());

    for (const runKind of ["incremental", "full"] as const) {
      clock.advance(5_000);
      await fetch(`${woo.url}/_emulator/requests`, { method: "DELETE" });
      const later = await sync(runKind);
      expect(later.resources.customers?.deleted).toBeUndefined();
      expect(idListings(await requests())).toEqual([]);
    }
    expect((await link(promoted))?.deletedAt).toBeInstanceOf(Date);
  });

  it("reads a registered user of another role as a customer once they pay for an order", async () => {
    expect(await link(reader)).toBeNull();
    const product = [...woo.store.products.values()][0];
    // Paying saves the user with is_paying_customer and a new date (wc_paying_customer), as on a real store.
    await rest.post("orders", {
      customer_id: reader,
      status: "processing",
      set_paid: true,
      line_items: [{ product_id: product.id, quantity: 1 }],
    });
    expect(woo.store.user(reader)?.isPayingCustomer).toBe(true);
    const summary = await sync("incremental");
    expect(summary.status).toBe("succeeded");
    expect((await link(reader))?.externalUpdatedAt).toBeInstanceOf(Date);
    expect(await linked()).toEqual(customerIds());
    expect(idListings(await requests())).toEqual([]);
  });

  it("removes a subscriber deleted for good (WooCommerce sends no customer.deleted for them)", async () => {
    await rest.delete(`customers/${subscriber}`, { force: true });
    const summary = await sync("incremental");
    expect(summary.resources.customers?.deleted).toBe(1);
    expect((await link(subscriber))?.deletedAt).toBeInstanceOf(Date);
    expect(await linked()).toEqual(customerIds());
  });

  it("reads every customer once from a cursor made over the customer-only list (before role=all)", async () => {
    const late = pick(30);
    // Became a subscriber long ago: a cursor over the default list never saw them, whatever their date.
    await setRole(late, "subscriber");
    await t.db.contactSource.delete({
      where: { integrationId_externalId: { integrationId: store.integration.id, externalId: String(late) } },
    });
    const source = await platform.createSource(store.ctx);
    const customers = source.readers.customers as ResourceReader<unknown, "customers">;
    const unscoped: ResourceReader<unknown, "customers"> = {
      ...customers,
      read(cursor, signal, held) {
        const parsed = cursor ? (JSON.parse(cursor) as Record<string, unknown>) : null;
        expect(parsed?.since).toEqual(expect.any(String));
        delete parsed!.scope;
        return customers.read(JSON.stringify(parsed), signal, held);
      },
    };
    const summary = await sync("incremental", {
      ...source,
      readers: { ...source.readers, customers: unscoped },
    });
    expect(summary.resources.customers?.synced).toBe(customerIds().length);
    expect(await linked()).toEqual(customerIds());
    expect((await link(late))?.deletedAt).toBeNull();
  });
});
