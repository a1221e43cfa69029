import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../../tests/setup/db";
import { sealCredentials, sealWebhookSecret } from "../crypto/integration-secrets.server";
import { isAppError } from "../lib/errors";
import type { Logger } from "../lib/logger";
import type { IntegrationRow, PlatformContext } from "../sync/platform";
import { seedOrganization } from "../sync/testing/fixtures";
import { createMemorySource, syntheticCustomer } from "../sync/testing/memory-source";
import { buildPlatforms, PlatformSetupError } from "./index.server";
import { testPlatform, testPlatformDeps, testPlatforms } from "./testing/test-platforms";

const keyring = testPlatformDeps().keyring;

describe("buildPlatforms", () => {
  it("names the platforms it knows when asked for another", () => {
    const platforms = testPlatforms([testPlatform("alpha"), testPlatform("beta")]);
    expect(platforms.list().map((p) => p.platform)).toEqual(["alpha", "beta"]);
    expect(platforms.has("alpha")).toBe(true);
    let error: unknown;
    try {
      platforms.get("gamma");
    } catch (e) {
      error = e;
    }
    expect(isAppError(error, "unknown_platform")).toBe(true);
    expect((error as Error).message).toBe(
      'Commerce Sync cannot connect to "gamma" stores: this server knows "alpha", "beta".',
    );
  });

  it("refuses to build when a module fails or two modules claim one platform", () => {
    const failing = function createBrokenPlatform(): never {
      throw new Error("SHOPIFY_API_SECRET is empty");
    };
    expect(() => buildPlatforms(testPlatformDeps(), { factories: [failing] })).toThrow(
      new PlatformSetupError("Could not set up createBrokenPlatform: SHOPIFY_API_SECRET is empty"),
    );
    expect(() => testPlatforms([testPlatform("alpha"), testPlatform("alpha")])).toThrow(
      'Two platform modules claim the platform "alpha".',
    );
  });

  it("builds nothing from an empty list, and says so when asked", () => {
    const platforms = buildPlatforms(testPlatformDeps(), { factories: [] });
    expect(platforms.list()).toEqual([]);
    expect(() => platforms.get("shopify")).toThrow("this server knows no store platform");
  });
});

describe.each(DATABASE_KINDS)("platform contexts on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  async function integration(sealed: { credentials?: unknown; webhookSecret?: string } = {}) {
    const {
      integrationIds: [id],
    } = await seedOrganization(t.db, ["memory-ctx"]);
    return t.db.integration.update({
      where: { id },
      data: {
        credentials:
          sealed.credentials === undefined ? null : sealCredentials(keyring, id, sealed.credentials),
        webhookSecret: sealed.webhookSecret ? sealWebhookSecret(keyring, id, sealed.webhookSecret) : null,
      },
    });
  }

  it("opens the integration's credentials and webhook secret with the keyring", async () => {
    const row = await integration({ credentials: { token: "tok_1" }, webhookSecret: "whsec" });
    expect(row.credentials).not.toContain("tok_1");
    const ctx = await testPlatforms([]).contextFor(t.db, row);
    expect(ctx.credentials).toEqual({ token: "tok_1" });
    expect(ctx.webhookSecret).toBe("whsec");
    expect(ctx.integration.id).toBe(row.id);
    await ctx.close();
  });

  it("refuses credentials sealed for another integration or stored unencrypted, with a code", async () => {
    const a = await integration({ credentials: { token: "a" } });
    const b = await integration();
    const platforms = testPlatforms([]);
    const copied: IntegrationRow = { ...b, credentials: a.credentials };
    await expect(platforms.contextFor(t.db, copied)).rejects.toMatchObject({
      code: "credentials_unreadable",
    });
    const plain: IntegrationRow = { ...b, credentials: JSON.stringify({ token: "plain" }) };
    await expect(platforms.contextFor(t.db, plain)).rejects.toThrow(/cannot be read with this server's/);
  });

  it("seals saved credentials and updates the integration", async () => {
    const row = await integration({ credentials: { token: "old" } });
    const platforms = testPlatforms([]);
    const ctx = await platforms.contextFor(t.db, row);
    await ctx.saveCredentials({ token: "new", expiresAt: "2026-01-01T00:00:00Z" });
    expect(ctx.credentials).toEqual({ token: "new", expiresAt: "2026-01-01T00:00:00Z" });
    const stored = await t.db.integration.findUniqueOrThrow({ where: { id: row.id } });
    expect(stored.credentials).not.toContain("new");
    expect((await platforms.contextFor(t.db, stored)).credentials).toMatchObject({ token: "new" });
    const audit = await t.db.auditLog.findMany({ where: { integrationId: row.id } });
    expect(audit.map((a) => a.action)).toEqual(["integration.credentials_saved"]);
    expect(JSON.stringify(audit)).not.toContain("new");
  });

  it("writes a source's store calls to the audit trail as one aggregated row when the run ends", async () => {
    const row = await integration({ credentials: { token: "secret-token" } });
    let seen: PlatformContext | null = null;
    const platforms = testPlatforms([
      testPlatform("memory-ctx", {
        createSource: (ctx) => {
          seen = ctx;
          return createMemorySource({ platform: "memory-ctx", customers: [syntheticCustomer(1)] });
        },
      }),
    ]);
    const source = await platforms.sourceFor(t.db, row);
    const ctx = seen as unknown as PlatformContext;
    ctx.recordCall({ operation: "GET /customers", outcome: "ok", httpStatus: 200, durationMs: 12 });
    ctx.recordCall({ operation: "GET /customers", outcome: "retried", httpStatus: 429, durationMs: 3 });
    ctx.recordCall({
      operation: "GET /orders",
      outcome: "error",
      httpStatus: 503,
      durationMs: 40,
      error: "Store answered 503",
    });
    expect(await t.db.auditLog.count({ where: { integrationId: row.id } })).toBe(0);
    await source.close?.();
    const rows = await t.db.auditLog.findMany({ where: { integrationId: row.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: "store.calls", actor: "system" });
    const detail = (typeof rows[0].detail === "string" ? JSON.parse(rows[0].detail) : rows[0].detail) as {
      calls: number;
      operations: Record<string, { calls: number; ok: number; retried: number; error: number }>;
      errors: { operation: string; error: string }[];
    };
    expect(detail.calls).toBe(3);
    expect(detail.operations["GET /customers"]).toMatchObject({
      calls: 2,
      ok: 1,
      retried: 1,
      error: 0,
      statuses: { "200": 1, "429": 1 },
      totalMs: 15,
    });
    expect(detail.errors).toEqual([
      expect.objectContaining({ operation: "GET /orders", httpStatus: 503, error: "Store answered 503" }),
    ]);
    expect(JSON.stringify(rows)).not.toContain("secret-token");
  });

  it("flushes early when many calls are buffered, and never throws into the caller when the write fails", async () => {
    const row = await integration();
    const platforms = testPlatforms([], { callAudit: { maxBufferedCalls: 3 } });
    const ctx = await platforms.contextFor(t.db, row);
    for (let i = 0; i < 7; i++) ctx.recordCall({ operation: "GET /x", outcome: "ok", durationMs: 1 });
    await ctx.close();
    const counts = (await t.db.auditLog.findMany({ where: { integrationId: row.id } })).map(
      (r) => (typeof r.detail === "string" ? JSON.parse(r.detail) : (r.detail as { calls: number })).calls,
    );
    expect(counts.sort()).toEqual([1, 3, 3]);

    const warnings: string[] = [];
    const logger: Logger = (level, message) => void (level === "warn" && warnings.push(message));
    const broken = { ...t.db, auditLog: { create: () => Promise.reject(new Error("database is gone")) } };
    const failing = await testPlatforms([], { deps: { logger } }).contextFor(broken as never, row);
    expect(() => failing.recordCall({ operation: "GET /y", outcome: "ok", durationMs: 1 })).not.toThrow();
    await expect(failing.close()).resolves.toBeUndefined();
    expect(warnings).toEqual(["Could not write the audit trail of store calls"]);
  });
});
