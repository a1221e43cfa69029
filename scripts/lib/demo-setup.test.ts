import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppDb } from "../../app/sync/platform";
import { createTestDatabase, type TestDatabase } from "../../tests/setup/db";
import { listApiTokens, verifyApiToken } from "../../app/integrations/api-tokens.server";
import { demoApiToken, waitForFirstSyncs } from "./demo-setup";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase("sqlite");
});
afterAll(async () => {
  await t?.cleanup();
});

describe("the demo waits for its own first syncs", () => {
  it("does not take a run a previous demo left in the data folder for this demo's sync", async () => {
    const org = await t.db.organization.create({ data: { name: "Demo" } });
    const shop = await t.db.integration.create({
      data: { organizationId: org.id, platform: "shopify", name: "Demo", storeKey: "demo.myshopify.com" },
    });
    const earlier = new Date(Date.now() - 60 * 60_000);
    await t.db.syncRun.create({
      data: {
        integrationId: shop.id,
        kind: "full",
        status: "succeeded",
        startedAt: earlier,
        finishedAt: earlier,
      },
    });
    const since = new Date();
    const db = t.db as unknown as AppDb;

    await expect(waitForFirstSyncs(db, [shop.id], () => {}, { since, timeoutMs: 1_500 })).rejects.toThrow(
      /did not finish/,
    );

    await t.db.syncRun.create({
      data: { integrationId: shop.id, kind: "incremental", status: "succeeded", finishedAt: new Date() },
    });
    await expect(
      waitForFirstSyncs(db, [shop.id], () => {}, { since, timeoutMs: 5_000 }),
    ).resolves.toBeUndefined();
  });
});

describe("the demo's API token", () => {
  it("keeps exactly one demo token in Settings however often the demo restarts, and leaves the merchant's alone", async () => {
    const org = await t.db.organization.create({ data: { name: "Demo tokens" } });
    const db = t.db as unknown as AppDb;
    await db.apiToken.create({
      data: {
        organizationId: org.id,
        name: "Support desk",
        tokenHash: "h-merchant",
        prefix: "cst_merch",
        createdBy: "merchant:demo.myshopify.com",
      },
    });

    const first = await demoApiToken(db, org.id);
    await demoApiToken(db, org.id);
    const latest = await demoApiToken(db, org.id);

    const tokens = await listApiTokens(db, org.id);
    expect(tokens.map((x) => [x.name, x.createdBy, x.revokedAt])).toEqual(
      expect.arrayContaining([
        ["Demo", "demo", null],
        ["Support desk", "merchant:demo.myshopify.com", null],
      ]),
    );
    expect(tokens).toHaveLength(2);
    expect(await verifyApiToken(db, latest)).not.toBeNull();
    expect(await verifyApiToken(db, first)).toBeNull();
  });
});
