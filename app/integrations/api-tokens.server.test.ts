import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../../tests/setup/db";
import { seedOrganization } from "../sync/testing/fixtures";
import { isAppError } from "../lib/errors";
import {
  createApiToken,
  hashApiToken,
  listApiTokens,
  revokeApiToken,
  verifyApiToken,
} from "./api-tokens.server";

describe.each(DATABASE_KINDS)("organization API tokens on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("stores only the hash, shows the token once, and lists a preview", async () => {
    const { organizationId } = await seedOrganization(t.db, []);
    const created = await createApiToken(t.db, {
      organizationId,
      name: " Support desk ",
      createdBy: "merchant:x",
    });
    expect(created.token).toMatch(/^cst_[A-Za-z0-9_-]{43}$/);
    const row = await t.db.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.tokenHash).toBe(hashApiToken(created.token));
    expect(JSON.stringify(row)).not.toContain(created.token);
    const listed = await listApiTokens(t.db, organizationId);
    expect(listed).toEqual([
      expect.objectContaining({ id: created.id, name: "Support desk", revokedAt: null }),
    ]);
    expect(listed[0].preview).toBe(`${created.token.slice(0, 10)}…`);
    expect(JSON.stringify(listed)).not.toContain(created.token);
    expect(await t.db.auditLog.count({ where: { organizationId, action: "api_token.created" } })).toBe(1);
  });

  it("verifies a live token, refuses a revoked, unknown or malformed one", async () => {
    const { organizationId } = await seedOrganization(t.db, []);
    const created = await createApiToken(t.db, { organizationId, name: "A", createdBy: "t" });
    expect(await verifyApiToken(t.db, created.token)).toEqual({ organizationId, tokenId: created.id });
    expect((await t.db.apiToken.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt).toBeInstanceOf(
      Date,
    );
    expect(await verifyApiToken(t.db, created.token.slice(0, -1) + "x")).toBeNull();
    expect(await verifyApiToken(t.db, "not-a-token")).toBeNull();
    await revokeApiToken(t.db, { organizationId, tokenId: created.id, actor: "t" });
    expect(await verifyApiToken(t.db, created.token)).toBeNull();
  });

  it("does not let one organization revoke another's token", async () => {
    const a = await seedOrganization(t.db, []);
    const b = await seedOrganization(t.db, []);
    const created = await createApiToken(t.db, {
      organizationId: a.organizationId,
      name: "A",
      createdBy: "t",
    });
    const error = await revokeApiToken(t.db, {
      organizationId: b.organizationId,
      tokenId: created.id,
      actor: "t",
    }).catch((e: unknown) => e);
    expect(isAppError(error, "token_not_found")).toBe(true);
    expect(await verifyApiToken(t.db, created.token)).not.toBeNull();
  });

  it("refuses an empty name", async () => {
    const { organizationId } = await seedOrganization(t.db, []);
    const error = await createApiToken(t.db, { organizationId, name: "  ", createdBy: "t" }).catch(
      (e: unknown) => e,
    );
    expect(isAppError(error, "invalid_token_name")).toBe(true);
  });
});
