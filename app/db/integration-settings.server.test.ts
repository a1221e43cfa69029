import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../../tests/setup/db";
import { isAppError } from "../lib/errors";
import { refreshIntegrationCounters } from "../sync/run-records.server";
import { seedOrganization } from "../sync/testing/fixtures";
import { updateIntegrationSettings, type IntegrationSettings } from "./integration-settings.server";

describe.each(DATABASE_KINDS)("updateIntegrationSettings on %s", (kind) => {
  let t: TestDatabase;
  let id: string;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.cleanup();
  });
  beforeEach(async () => {
    await t.db.organization.deleteMany();
    id = (await seedOrganization(t.db, ["shopify"])).integrationIds[0];
    await t.db.integration.update({ where: { id }, data: { settings: { enabled: ["orders"] } } });
  });

  const stored = async () => (await t.db.integration.findUniqueOrThrow({ where: { id } })).settings;

  it("sets the writer's key and keeps the others", async () => {
    const result = await updateIntegrationSettings(t.db, id, (s) => ({ ...s, shopify: { name: "Acme" } }));
    expect(result).toEqual({
      previous: { enabled: ["orders"] },
      settings: { enabled: ["orders"], shopify: { name: "Acme" } },
      written: true,
    });
    expect(await stored()).toEqual({ enabled: ["orders"], shopify: { name: "Acme" } });
  });

  it("writes nothing when the change leaves the settings as they are, and answers null for no integration", async () => {
    const before = await t.db.integration.findUniqueOrThrow({ where: { id } });
    const result = await updateIntegrationSettings(t.db, id, (s) => s);
    expect(result).toMatchObject({ written: false, settings: { enabled: ["orders"] } });
    const after = await t.db.integration.findUniqueOrThrow({ where: { id } });
    expect(after.updatedAt).toEqual(before.updatedAt);
    expect(await updateIntegrationSettings(t.db, "no-such-integration", (s) => ({ ...s, x: 1 }))).toBeNull();
  });

  it("re-applies a change that lost the race to a write made between its read and its write", async () => {
    let calls = 0;
    await updateIntegrationSettings(t.db, id, async (s) => {
      calls++;
      // The first time, another writer reads, changes and stores its own key after this one read.
      if (calls === 1)
        await updateIntegrationSettings(t.db, id, (other) => ({ ...other, b: "other writer" }));
      return { ...s, a: "this writer" };
    });
    expect(calls).toBe(2);
    expect(await stored()).toEqual({ enabled: ["orders"], a: "this writer", b: "other writer" });
  });

  it("loses no key when many writers change different keys at once", async () => {
    for (let round = 0; round < 5; round++) {
      const writers = Array.from({ length: 8 }, (_, i) =>
        updateIntegrationSettings(t.db, id, (s) => ({ ...s, [`round${round}_writer${i}`]: i })),
      );
      await Promise.all(writers);
    }
    const settings = (await stored()) as IntegrationSettings;
    expect(Object.keys(settings).sort()).toEqual(
      [
        "enabled",
        ...Array.from({ length: 5 }, (_, r) =>
          Array.from({ length: 8 }, (_, i) => `round${r}_writer${i}`),
        ).flat(),
      ].sort(),
    );
  });

  it("retries when another column of the row was written in between, and keeps that write", async () => {
    let calls = 0;
    await updateIntegrationSettings(t.db, id, async (s) => {
      if (calls++ === 0) await t.db.integration.update({ where: { id }, data: { status: "syncing" } });
      return { ...s, a: 1 };
    });
    const row = await t.db.integration.findUniqueOrThrow({ where: { id } });
    expect(calls).toBe(2);
    expect(row.status).toBe("syncing");
    expect(row.settings).toEqual({ enabled: ["orders"], a: 1 });
  });

  it("keeps a key written in between when a later write of another column puts updatedAt back to the value read", async () => {
    // Writers of other columns (the sync's counters and status, Prisma's @updatedAt) stamp updatedAt with their own
    // clock, not past the settings writer's read + 1 ms: in the same millisecond (or from a host whose clock is
    // behind) the stamp can equal the updatedAt this writer read, although the settings changed since.
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-12-01T00:00:00.000Z") });
    try {
      await refreshIntegrationCounters(t.db, t.db, id);
      let calls = 0;
      await updateIntegrationSettings(t.db, id, async (s) => {
        if (calls++ === 0) {
          await updateIntegrationSettings(t.db, id, (other) => ({ ...other, b: "other writer" }));
          await refreshIntegrationCounters(t.db, t.db, id);
        }
        return { ...s, a: "this writer" };
      });
      expect(calls).toBe(2);
    } finally {
      vi.useRealTimers();
    }
    expect(await stored()).toEqual({ enabled: ["orders"], a: "this writer", b: "other writer" });
  });

  it("writes settings stored as other JSON text than Prisma's (by hand), which the stored-value guard cannot match", async () => {
    await t.db.$executeRawUnsafe(
      kind === "sqlite"
        ? `UPDATE "Integration" SET "settings" = ? WHERE "id" = ?`
        : `UPDATE "Integration" SET "settings" = $1::jsonb WHERE "id" = $2`,
      '{ "enabled": [ "orders" ], "n": 1.0 }',
      id,
    );
    const result = await updateIntegrationSettings(t.db, id, (s) => ({ ...s, a: 1 }));
    expect(result?.written).toBe(true);
    expect(await stored()).toEqual({ enabled: ["orders"], n: 1, a: 1 });
  });

  it("gives up with a conflict error when every attempt loses", async () => {
    let calls = 0;
    const error = await updateIntegrationSettings(
      t.db,
      id,
      async (s) => {
        calls++;
        await updateIntegrationSettings(t.db, id, (other) => ({ ...other, noise: calls }));
        return { ...s, a: 1 };
      },
      { attempts: 3 },
    ).catch((e: unknown) => e);
    expect(isAppError(error, "settings_write_conflict")).toBe(true);
    expect(calls).toBe(3);
    expect(await stored()).toEqual({ enabled: ["orders"], noise: 3 });
  });

  it("works inside an interactive transaction, and a rolled-back one leaves the settings alone", async () => {
    await t.db.$transaction(async (tx) => {
      await updateIntegrationSettings(tx, id, (s) => ({ ...s, inTransaction: true }));
    });
    expect(await stored()).toEqual({ enabled: ["orders"], inTransaction: true });
    await t.db
      .$transaction(async (tx) => {
        await updateIntegrationSettings(tx, id, (s) => ({ ...s, rolledBack: true }));
        throw new Error("abort");
      })
      .catch(() => undefined);
    expect(await stored()).toEqual({ enabled: ["orders"], inTransaction: true });
  });
});
