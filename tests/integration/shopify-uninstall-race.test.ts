/**
 * An app/uninstalled processed while the merchant reinstalls (docs/decisions/0054-fidelity-audit-3.md, item 3 and its
 * addendum), against the emulator on SQLite and PostgreSQL: the real platform, the real job step, the real reinstall
 * (authorization-code grant: token exchange storing the new offline session through the session storage, then the
 * install bookkeeping). The reinstall is put exactly where it hurts:
 *
 * - after Shopify refused the stored token and before the sessions are removed: on the first statement on the session
 *   table that follows the refusal (a reinstall inside the check itself is already caught: the client reads the
 *   stored token again after a 401 and retries with the new one);
 * - after the platform's decision and before the job disconnects the store: when the job closes the webhook's
 *   platform context, between the two.
 *
 * The new session must survive, the store stay connected, and the event end `ignored` with the reason, logged.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppDb, Platforms, StoreCall } from "../../app/sync/platform";
import type { JobQueue } from "../../app/jobs/queue.server";
import { processWebhookJob } from "../../app/jobs/webhook-job.server";
import { offlineSessionId } from "../../app/platforms/shopify/access-token.server";
import { SHOP_ACCESS_QUERY } from "../../app/platforms/shopify/queries/shop";
import { DATABASE_KINDS } from "../setup/db";
import { SHOP, startShopifyHarness, type ShopifyHarness } from "./shopify-harness";

const REINSTALLED = /reinstalled while this uninstall was processed/i;

describe.each(DATABASE_KINDS)("an uninstall racing a reinstall on %s", (kind) => {
  let h: ShopifyHarness;
  /** Runs once, on the next findMany/deleteMany of sessions (armed when Shopify refuses the stored token). */
  let onSessionStatement: (() => Promise<void>) | null = null;
  /** Runs once, when the job closes the webhook's platform context (after the decision, before carrying it out). */
  let onContextClose: (() => Promise<void>) | null = null;
  let armOnRefusal = false;
  let db: AppDb;
  let platforms: Platforms;
  const logs: Array<{ message: string; fields?: Record<string, unknown> }> = [];

  beforeAll(async () => {
    h = await startShopifyHarness(kind, { customers: 4, orders: 4, products: 2, seed: 23 });
    db = Object.assign(
      h.db.$extends({
        query: {
          session: {
            async $allOperations({ operation, args, query }) {
              if (onSessionStatement && (operation === "findMany" || operation === "deleteMany")) {
                const run = onSessionStatement;
                onSessionStatement = null;
                await run();
              }
              return query(args);
            },
          },
        },
      }),
      { $kind: h.db.$kind },
    ) as unknown as AppDb;
    platforms = {
      ...h.platforms,
      async contextFor(contextDb, row) {
        const context = await h.platforms.contextFor(contextDb, row);
        return {
          ...context,
          recordCall: (call: StoreCall) => {
            const refused = call.operation === "graphql:ShopAccess" && call.httpStatus === 401;
            if (refused && call.outcome === "error" && armOnRefusal) {
              armOnRefusal = false;
              onSessionStatement = reinstall;
            }
            context.recordCall(call);
          },
          async close() {
            const run = onContextClose;
            onContextClose = null;
            await run?.();
            await context.close();
          },
        };
      },
    };
  });
  afterAll(async () => h?.close());

  async function control(path: string): Promise<void> {
    const res = await fetch(`${h.emu.url}${path}`, { method: "POST" });
    expect(res.status).toBe(200);
  }

  let reinstalledToken: string | null = null;
  /** The merchant installs the app again: Shopify grants it, the app stores the new token and runs its install. */
  async function reinstall(): Promise<void> {
    await control(`/_emulator/shops/${SHOP}/install`);
    await h.installByAuthorizationCode();
    reinstalledToken = (await h.db.session.findUniqueOrThrow({ where: { id: offlineSessionId(SHOP) } }))
      .accessToken;
  }

  /** The merchant uninstalls: Shopify revokes the tokens and delivers app/uninstalled (stored, not yet processed). */
  async function uninstall(): Promise<string> {
    // Each test starts from an installed, connected shop (whatever the test before it left).
    const integration = await h.db.integration.findUniqueOrThrow({ where: { id: h.integrationId } });
    const session = await h.db.session.findUnique({ where: { id: offlineSessionId(SHOP) } });
    if (integration.status === "disconnected" || !session) {
      await control(`/_emulator/shops/${SHOP}/install`);
      await h.installByAuthorizationCode();
    }
    await control(`/_emulator/shops/${SHOP}/uninstall`);
    await h.emu.context.webhooks.flush();
    const event = await h.db.webhookEvent.findFirstOrThrow({
      where: { topic: "app/uninstalled", storeKey: SHOP, status: "received" },
      orderBy: { receivedAt: "desc" },
    });
    return event.id;
  }

  const disconnects = () =>
    h.db.auditLog.count({ where: { integrationId: h.integrationId, action: "integration.disconnected" } });

  async function process(webhookEventId: string) {
    logs.length = 0;
    return processWebhookJob(
      {
        db,
        queue: {} as JobQueue,
        platforms,
        logger: (_level, message, fields) => logs.push({ message, fields }),
      },
      { webhookEventId },
    );
  }

  async function expectStillConnected(outcome: { status: string; reason?: string }, before: number) {
    expect(reinstalledToken).not.toBeNull();
    expect(outcome).toMatchObject({ status: "ignored", reason: expect.stringMatching(REINSTALLED) });
    const session = await h.db.session.findUnique({ where: { id: offlineSessionId(SHOP) } });
    expect(session?.accessToken).toBe(reinstalledToken);
    const integration = await h.db.integration.findUniqueOrThrow({ where: { id: h.integrationId } });
    expect(integration.status).not.toBe("disconnected");
    expect(integration.disconnectedAt).toBeNull();
    expect(await disconnects()).toBe(before);
    expect(logs).toContainEqual({
      message: "Webhook ignored",
      fields: expect.objectContaining({ topic: "app/uninstalled", reason: outcome.reason }),
    });
    // The store still works with the new token.
    const ctx = await h.platforms.contextFor(h.db, integration);
    try {
      await expect(h.platform.clientFor(ctx).request("ShopAccess", SHOP_ACCESS_QUERY)).resolves.toBeDefined();
    } finally {
      await ctx.close();
    }
  }

  it("GIVEN a reinstall after Shopify refused the stored token, before the sessions are removed WHEN the uninstall is processed THEN the new session stays and the store stays connected", async () => {
    const eventId = await uninstall();
    const before = await disconnects();
    reinstalledToken = null;
    armOnRefusal = true;
    const outcome = await process(eventId);
    armOnRefusal = false;
    await expectStillConnected(outcome, before);
    const stored = await h.db.webhookEvent.findUniqueOrThrow({ where: { id: eventId } });
    expect(stored).toMatchObject({ status: "ignored", lastError: outcome.reason });
  });

  it("GIVEN a reinstall after the sessions were removed, before the store is disconnected WHEN the uninstall is processed THEN the store stays connected", async () => {
    const eventId = await uninstall();
    const before = await disconnects();
    reinstalledToken = null;
    onContextClose = reinstall;
    const outcome = await process(eventId);
    await expectStillConnected(outcome, before);
  });

  it("GIVEN the store's row written for another reason during the decision (a sync failing on the refused token) WHEN the uninstall is processed THEN it is disconnected all the same", async () => {
    const eventId = await uninstall();
    const before = await disconnects();
    onContextClose = async () => {
      await h.db.integration.update({
        where: { id: h.integrationId },
        data: { status: "needs_attention", statusReason: "Shopify refused the stored access." },
      });
    };
    const outcome = await process(eventId);
    expect(outcome.status).toBe("processed");
    const integration = await h.db.integration.findUniqueOrThrow({ where: { id: h.integrationId } });
    expect(integration.status).toBe("disconnected");
    expect(await h.db.session.count({ where: { shop: SHOP } })).toBe(0);
    expect(await disconnects()).toBe(before + 1);
  });
});
