import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/setup/db";
import { createJobQueue, type JobQueue } from "../jobs/queue.server";
import { runDetailAction, type ReconnectOutcome } from "./detail-action.server";
import { reconnectShopifyStore, type ShopifyReconnectDeps } from "./shopify-reconnect.server";
import { seedMerchant, type MerchantFixture } from "./testing/merchant";

/** The store page's actions, on one merchant's stores (SQLite, embedded queue). */
describe("the store page's actions", () => {
  let t: TestDatabase;
  let m: MerchantFixture;
  let queue: JobQueue;
  beforeAll(async () => {
    t = await createTestDatabase("sqlite");
    m = await seedMerchant(t.db);
    queue = await createJobQueue(t.db, { databaseUrl: t.url });
  });
  afterAll(async () => {
    await queue?.close();
    await t?.cleanup();
  });

  /** "Sync now" on a store's page says what happened: queued, already waiting, or a waiting retry brought forward. */
  describe("the store page's Sync now (embedded queue)", () => {
    const syncNow = () => {
      const form = new FormData();
      form.set("intent", "sync");
      form.set("kind", "incremental");
      return runDetailAction(
        { db: t.db, queue, cleanupStore: async () => undefined },
        { organizationId: m.organizationId, integrationId: m.wooId, actor: "merchant:test", form },
      );
    };

    it("queues a sync, then says one is waiting, then says a waiting retry starts now", async () => {
      expect((await syncNow()).message).toBe("Incremental sync queued");
      expect((await syncNow()).message).toBe("A sync of this store is already waiting to run");
      // The waiting job failed once and waits out its backoff (what a worker leaves after the store was down).
      const inAnHour = new Date(Date.now() + 60 * 60_000);
      const moved = await t.db.job.updateMany({
        where: { kind: "sync.incremental", status: "queued" },
        data: { attempts: 1, runAt: inAnHour, lastError: "the store is down" },
      });
      expect(moved.count).toBe(1);
      expect((await syncNow()).message).toBe("The sync that was waiting to retry after a failure starts now");
      const job = await t.db.job.findFirstOrThrow({ where: { kind: "sync.incremental", status: "queued" } });
      expect(job.runAt.getTime()).toBeLessThan(inAnHour.getTime());
    });
  });

  /** Saving the automatic syncs while other writes to the store's settings keep landing first (ADR 0056). */
  describe("the store page's schedule save, overtaken every time", () => {
    it("says so on the page, to try again, and saves nothing", async () => {
      // Every guarded settings write finds the row already changed, as if another writer always came first.
      const overtaken = <T extends object>(client: T): T =>
        new Proxy(client, {
          get(target, key, receiver) {
            if (key === "integration") {
              const integration = Reflect.get(target, key, receiver) as object;
              return new Proxy(integration, {
                get: (i, k, r) => (k === "updateMany" ? async () => ({ count: 0 }) : Reflect.get(i, k, r)),
              });
            }
            if (key === "$transaction")
              return (fn: (tx: T) => Promise<unknown>) =>
                (t.db.$transaction as unknown as (f: (tx: T) => Promise<unknown>) => Promise<unknown>)((tx) =>
                  fn(overtaken(tx)),
                );
            return Reflect.get(target, key, receiver);
          },
        });
      const form = new FormData();
      form.set("intent", "schedule");
      form.set("interval", "30");
      const result = await runDetailAction(
        { db: overtaken(t.db), queue, cleanupStore: async () => undefined },
        { organizationId: m.organizationId, integrationId: m.wooId, actor: "merchant:test", form },
      );
      expect(result).toMatchObject({ ok: false, status: 409 });
      expect(result.message).toMatch(/kept changing while they were being saved .*Try again/);
      const row = await t.db.integration.findUniqueOrThrow({ where: { id: m.wooId } });
      expect(JSON.stringify(row.settings ?? {})).not.toContain('"reconcileIntervalMinutes":30');
      // The audit entry went back with the transaction: the trail never says a change that did not happen.
      expect(await t.db.auditLog.count({ where: { action: "integration.schedule_changed" } })).toBe(0);
    });
  });

  /** Reconnect (`intent=reconnect`): only where the page supplies it (the embedded app's Shopify stores). */
  describe("the store page's Reconnect", () => {
    const reconnectForm = () => {
      const form = new FormData();
      form.set("intent", "reconnect");
      return form;
    };
    const installed = (outcome: Partial<ReconnectOutcome> = {}) => ({
      organizationId: m.organizationId,
      integrationId: m.shopifyId,
      created: false,
      reconnected: true,
      webhooks: null,
      fullSyncEnqueued: true,
      problems: [],
      accessRefused: false,
      withheld: false,
      sessionRemoved: false,
      ...outcome,
    });
    const installs: Parameters<ShopifyReconnectDeps["install"]>[0][] = [];
    const reconnect = (
      integrationId: string,
      options: {
        shop?: string;
        outcome?: Partial<ReconnectOutcome> & { sessionRemoved?: boolean };
        organizationId?: string;
        renewAccess?: ShopifyReconnectDeps["renewAccess"];
      } = {},
    ) =>
      runDetailAction(
        {
          db: t.db,
          queue,
          cleanupStore: async () => undefined,
          reconnect: () =>
            reconnectShopifyStore(
              {
                db: t.db,
                install: async (input) => {
                  installs.push(input);
                  return installed(options.outcome);
                },
                renewAccess: options.renewAccess,
              },
              {
                organizationId: options.organizationId ?? m.organizationId,
                integrationId,
                shop: options.shop ?? shopifyShop,
                scope: "read_orders",
                actor: "merchant:test",
              },
            ),
        },
        {
          organizationId: options.organizationId ?? m.organizationId,
          integrationId,
          actor: "merchant:test",
          form: reconnectForm(),
        },
      );
    let shopifyShop = "";
    beforeAll(async () => {
      const row = await t.db.integration.update({
        where: { id: m.shopifyId },
        data: { status: "disconnected", statusReason: "Disconnected.", disconnectedAt: new Date() },
      });
      shopifyShop = row.storeKey;
    });

    it("is not available without the page's reconnect (the WooCommerce owner's pages)", async () => {
      const result = await runDetailAction(
        { db: t.db, queue, cleanupStore: async () => undefined },
        {
          organizationId: m.organizationId,
          integrationId: m.wooId,
          actor: "merchant:test",
          form: reconnectForm(),
        },
      );
      expect(result).toEqual({ ok: false, status: 400, message: "That action is not available." });
    });

    it("reconnects the session's own disconnected Shopify store through the install, and says a full sync started", async () => {
      installs.length = 0;
      expect(await reconnect(m.shopifyId)).toEqual({
        ok: true,
        status: 200,
        message: "Store reconnected; a full sync started.",
      });
      expect(installs).toEqual([
        {
          shop: shopifyShop,
          scope: "read_orders",
          organizationId: m.organizationId,
          actor: "merchant:test",
          syncTriggeredBy: "merchant:test",
          requireWorkingAccess: true,
        },
      ]);
    });

    it("says what the install found wrong instead of a healthy message, and a refused access as a failure", async () => {
      const missing = "Shopify did not grant read_all_orders: orders older than 60 days are not synced.";
      const partial = await reconnect(m.shopifyId, { outcome: { problems: [missing] } });
      expect(partial).toMatchObject({ ok: true, status: 200 });
      expect(partial.message).toBe(`Store reconnected; a full sync started. It needs attention: ${missing}`);
      const refused = "Shopify refused Commerce Sync's access to the shop (401).";
      const failed = await reconnect(m.shopifyId, { outcome: { problems: [refused], accessRefused: true } });
      expect(failed).toEqual({
        ok: false,
        status: 502,
        message: `The store could not be reconnected. ${refused}`,
      });
    });

    it("says why a store the install left disconnected was not reconnected, and what to do, as a failure", async () => {
      const sentence =
        "Shopify no longer accepts Commerce Sync's access to the shop (401), so the store was not reconnected. " +
        "Reload Commerce Sync from the Shopify admin: Shopify then gives the app new access and the store " +
        "reconnects (a full sync starts).";
      const withheld = await reconnect(m.shopifyId, {
        outcome: {
          reconnected: false,
          fullSyncEnqueued: false,
          problems: [sentence],
          accessRefused: true,
          withheld: true,
        },
      });
      expect(withheld).toEqual({ ok: false, status: 502, message: sentence });
    });

    describe("when Shopify refused the kept token and its session was removed", () => {
      const sentence = "Shopify no longer accepts Commerce Sync's access to the shop (401), so …";
      const refusedOutcome = {
        reconnected: false,
        fullSyncEnqueued: false,
        problems: [sentence],
        accessRefused: true,
        withheld: true,
        sessionRemoved: true,
      };
      const setStatus = (status: string, statusReason: string | null) =>
        t.db.integration.update({ where: { id: m.shopifyId }, data: { status, statusReason } });

      it("asks Shopify for new access at once and answers with the store as afterAuth's install left it", async () => {
        let renewals = 0;
        try {
          const answer = await reconnect(m.shopifyId, {
            outcome: refusedOutcome,
            // What the library's token exchange and afterAuth do: the install reconnects the store.
            renewAccess: async () => {
              renewals += 1;
              await setStatus("connected", null);
            },
          });
          expect(renewals).toBe(1);
          expect(answer).toEqual({
            ok: true,
            status: 200,
            message:
              "Store reconnected with new access from Shopify, which no longer accepted the access kept since the " +
              "disconnect; a full sync started.",
          });
          await setStatus("disconnected", "Disconnected.");
          const reason = "Shopify did not grant read_all_orders: orders older than 60 days are not synced.";
          const attention = await reconnect(m.shopifyId, {
            outcome: refusedOutcome,
            renewAccess: async () => void (await setStatus("needs_attention", reason)),
          });
          expect(attention).toMatchObject({ ok: true, status: 200 });
          expect(attention.message).toMatch(
            /^Store reconnected with new access from Shopify.* It needs attention: /,
          );
          expect(attention.message).toContain(reason);
        } finally {
          await setStatus("disconnected", "Disconnected.");
        }
      });

      it("says the refusal (reload the app) when Shopify gives no new access, or without a way to ask", async () => {
        const failed = await reconnect(m.shopifyId, {
          outcome: refusedOutcome,
          // shopify-app-remix answers a failed token exchange with a Response.
          renewAccess: async () => {
            throw new Response(null, { status: 500 });
          },
        });
        expect(failed).toEqual({ ok: false, status: 502, message: sentence });
        expect(await reconnect(m.shopifyId, { outcome: refusedOutcome })).toEqual(failed);
        await expect(
          reconnect(m.shopifyId, {
            outcome: refusedOutcome,
            renewAccess: async () => {
              throw new Error("the database is gone");
            },
          }),
        ).rejects.toThrow("the database is gone");
      });
    });

    it("refuses another shop's store, a store that is not disconnected and a WooCommerce store, installing nothing", async () => {
      installs.length = 0;
      expect(await reconnect(m.shopifyId, { shop: "other-shop.myshopify.com" })).toEqual({
        ok: false,
        status: 409,
        message: `Open Commerce Sync from ${shopifyShop}'s Shopify admin to reconnect it.`,
      });
      await t.db.integration.update({ where: { id: m.shopifyId }, data: { status: "connected" } });
      try {
        const connected = await reconnect(m.shopifyId);
        expect(connected).toMatchObject({ ok: false, status: 409 });
        expect(connected.message).toMatch(/already connected: only a disconnected store can be reconnected/);
      } finally {
        await t.db.integration.update({ where: { id: m.shopifyId }, data: { status: "disconnected" } });
      }
      expect(await reconnect(m.wooId)).toEqual({
        ok: false,
        status: 400,
        message: "That action is not available.",
      });
      // Another organization's store is not found (thrown on, as for the other intents).
      await expect(reconnect(m.otherIntegrationId)).rejects.toMatchObject({ code: "integration_not_found" });
      expect(installs).toEqual([]);
    });
  });
});
