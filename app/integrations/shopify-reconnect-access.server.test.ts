import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/setup/db";
import type { ShopifyGraphqlClient } from "../platforms/shopify/client.server";
import {
  ShopifyAuthError,
  ShopifyHttpError,
  ShopifyThrottledError,
  ShopifyTimeoutError,
} from "../platforms/shopify/errors";
import type { ShopifyPlatform } from "../platforms/shopify/index.server";
import { seedOrganization } from "../sync/testing/fixtures";
import { completeShopifyInstall } from "./shopify-install.server";

/**
 * A reconnect's install (`requireWorkingAccess`, ADR 0059 addendum) against a stand-in Shopify client: what Shopify
 * answers the kept token decides whether the disconnected store is turned back on. SQLite; the emulator run is in
 * tests/integration/shopify-store-reconnect.test.ts.
 */
describe("a reconnect's install when Shopify refuses the kept token", () => {
  let t: TestDatabase;
  let integrationId = "";
  const shop = "refused.myshopify.com";
  const disconnectedAt = new Date("2026-12-01T10:00:00.000Z");
  const queued: string[] = [];
  /** What the stand-in client does with the ShopAccess call (the one Shopify call a withheld reconnect makes). */
  let answer: () => Promise<unknown> = async () => ({});
  const client = {
    request: async (operation: string) => {
      if (operation !== "ShopAccess") throw new Error(`unexpected Shopify call ${operation}`);
      return answer();
    },
  } as unknown as ShopifyGraphqlClient;
  const platform = {
    clientFor: () => client,
    maintainWebhooks: () => {
      throw new Error("a withheld reconnect registers no webhooks");
    },
  } as unknown as ShopifyPlatform;
  const reconnect = () =>
    completeShopifyInstall(
      { db: t.db, platform, enqueueFullSync: async (id) => queued.push(id) },
      {
        shop,
        scope: "read_orders",
        actor: `merchant:${shop}`,
        syncTriggeredBy: `merchant:${shop}`,
        requireWorkingAccess: true,
      },
    );
  const storeSession = (accessToken: string) =>
    t.db.session.upsert({
      where: { id: `offline_${shop}` },
      create: { id: `offline_${shop}`, shop, state: "", accessToken },
      update: { accessToken },
    });

  beforeAll(async () => {
    t = await createTestDatabase("sqlite");
    const { integrationIds } = await seedOrganization(t.db, ["shopify"]);
    integrationId = integrationIds[0];
  });
  afterAll(async () => t?.cleanup());
  beforeEach(async () => {
    queued.length = 0;
    await t.db.integration.update({
      where: { id: integrationId },
      data: { storeKey: shop, status: "disconnected", statusReason: "Disconnected.", disconnectedAt },
    });
    await storeSession("sealed-refused-token");
  });

  const unchanged = async () => {
    expect(await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } })).toMatchObject({
      status: "disconnected",
      statusReason: "Disconnected.",
      disconnectedAt,
    });
    expect(queued).toEqual([]);
    expect(
      await t.db.auditLog.count({
        where: { integrationId, action: { in: ["integration.reconnected", "shopify.install.completed"] } },
      }),
    ).toBe(0);
  };

  it("GIVEN a revoked token WHEN reconnecting THEN the store stays disconnected, its session is removed and the answer says to reload the app", async () => {
    answer = async () => {
      throw new ShopifyAuthError(shop, 401);
    };
    const outcome = await reconnect();
    expect(outcome).toMatchObject({
      integrationId,
      reconnected: false,
      fullSyncEnqueued: false,
      accessRefused: true,
      withheld: true,
      problems: [
        `Shopify no longer accepts Commerce Sync's access to ${shop} (401), so the store was not reconnected. ` +
          "Reload Commerce Sync from the Shopify admin: Shopify then gives the app new access and the store " +
          "reconnects (a full sync starts).",
      ],
    });
    await unchanged();
    expect(await t.db.session.count({ where: { shop } })).toBe(0);
    const audit = await t.db.auditLog.findFirstOrThrow({
      where: { integrationId, action: "shopify.reconnect.withheld" },
      orderBy: { createdAt: "desc" },
    });
    expect(audit.detail).toMatchObject({ shop, accessRefused: true, sessionRemoved: true });
    expect(JSON.stringify(audit.detail)).not.toContain("sealed-refused-token");
  });

  it("keeps a session stored while Shopify was asked (new access), and says to press Reconnect again", async () => {
    answer = async () => {
      // The app was opened meanwhile: a token exchange stored a new token over the refused one.
      await storeSession("sealed-new-token");
      throw new ShopifyAuthError(shop, 401);
    };
    const outcome = await reconnect();
    expect(outcome).toMatchObject({ accessRefused: true, withheld: true });
    expect(outcome.problems).toEqual([
      `Shopify no longer accepts Commerce Sync's access to ${shop} (401), so the store was not reconnected. ` +
        "New access has arrived since: press Reconnect again.",
    ]);
    await unchanged();
    expect(await t.db.session.findMany({ where: { shop }, select: { accessToken: true } })).toEqual([
      { accessToken: "sealed-new-token" },
    ]);
  });

  it("GIVEN Shopify not answering WHEN reconnecting THEN the store and its session are left as they were, to try again", async () => {
    answer = async () => {
      throw new ShopifyTimeoutError("ShopAccess", 30_000);
    };
    const outcome = await reconnect();
    expect(outcome).toMatchObject({ accessRefused: false, withheld: true, fullSyncEnqueued: false });
    expect(outcome.problems).toEqual([
      `Shopify could not be asked whether Commerce Sync's access to ${shop} still works, so the store was not ` +
        "reconnected: Shopify did not answer within 30 s while checking the app's access to the store (ShopAccess). " +
        "Try Reconnect again in a moment.",
    ]);
    await unchanged();
    expect(await t.db.session.count({ where: { shop } })).toBe(1);
  });

  it("GIVEN Shopify failing or throttling the check WHEN reconnecting THEN the answer says to try Reconnect again, not that a sync will", async () => {
    // The call named in words, as Shopify's errors name it (queries/operations.ts).
    const CHECKING = "while checking the app's access to the store (ShopAccess)";
    const failures: Array<[Error, string]> = [
      [
        new ShopifyHttpError("ShopAccess", 503, "Shopify is having trouble; the next sync will retry"),
        `Shopify answered 503 ${CHECKING}`,
      ],
      [
        new ShopifyThrottledError("ShopAccess", 12_000),
        `Shopify kept throttling the app's requests ${CHECKING}`,
      ],
      [new ShopifyHttpError("ShopAccess", 0, "fetch failed"), `Shopify could not be reached ${CHECKING}`],
    ];
    for (const [error, why] of failures) {
      answer = async () => {
        throw error;
      };
      const outcome = await reconnect();
      expect(outcome).toMatchObject({ accessRefused: false, withheld: true });
      expect(outcome.problems).toEqual([
        `Shopify could not be asked whether Commerce Sync's access to ${shop} still works, so the store was not ` +
          `reconnected: ${why}. Try Reconnect again in a moment.`,
      ]);
      await unchanged();
      expect(await t.db.session.count({ where: { shop } })).toBe(1);
    }
  });

  it("throws a failure that is not Shopify's answer (a fault to fix, e.g. a token that cannot be opened) rather than asking to try again", async () => {
    const fault = new Error("Unsupported state or unable to authenticate data");
    answer = async () => {
      throw fault;
    };
    const withheldEntries = () =>
      t.db.auditLog.count({ where: { integrationId, action: "shopify.reconnect.withheld" } });
    const before = await withheldEntries();
    await expect(reconnect()).rejects.toBe(fault);
    await unchanged();
    expect(await t.db.session.count({ where: { shop } })).toBe(1);
    expect(await withheldEntries()).toBe(before);
  });
});
