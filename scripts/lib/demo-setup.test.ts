import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppDb } from "../../app/sync/platform";
import { createTestDatabase, type TestDatabase } from "../../tests/setup/db";
import { waitForFirstSyncs } from "./demo-setup";

describe("the demo waits for its own first syncs", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase("sqlite");
  });
  afterAll(async () => {
    await t?.cleanup();
  });

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
