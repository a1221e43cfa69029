import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from "../../tests/setup/db";
import { keyringFrom } from "../crypto/encryption.server";
import type { AppDb } from "../sync/platform";
import {
  OWNER_SESSION_TTL_MS,
  SIGN_IN_LINK_TTL_MS,
  createOwnerSession,
  createSignInLink,
  redeemSignInLink,
  endOwnerSession,
  readOwnerSession,
  requireOwner,
  wooCookies,
} from "./woocommerce-session.server";

describe.each(DATABASE_KINDS)("WooCommerce owner sessions on %s", (kind) => {
  let t: TestDatabase;
  let db: AppDb;
  let organizationId: string;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    db = t.db as unknown as AppDb;
    organizationId = (await db.organization.create({ data: { name: "Owner org" } })).id;
  });
  afterAll(() => t.cleanup());

  it("stores only a hash of the token and reads the session back", async () => {
    const token = await createOwnerSession(db, { organizationId });
    const rows = await db.wooOwnerSession.findMany({ where: { organizationId } });
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(await readOwnerSession(db, token)).toMatchObject({ organizationId });
    expect(await readOwnerSession(db, `${token}x`)).toBeNull();
  });

  it("a sign-in link is spent once, expires, and is never itself a session (nor a session a link)", async () => {
    const link = await createSignInLink(db, { organizationId, integrationId: null });
    expect(JSON.stringify(await db.wooOwnerSession.findMany())).not.toContain(link);
    expect(await readOwnerSession(db, link)).toBeNull();
    const [first, second] = await Promise.all([redeemSignInLink(db, link), redeemSignInLink(db, link)]);
    const won = [first, second].filter(Boolean);
    expect(won).toHaveLength(1);
    expect(await readOwnerSession(db, won[0]!.token)).toMatchObject({ organizationId });
    expect(await redeemSignInLink(db, link)).toBeNull();
    expect(await redeemSignInLink(db, won[0]!.token)).toBeNull();

    const start = new Date();
    const stale = await createSignInLink(db, { organizationId }, start);
    expect(await redeemSignInLink(db, stale, new Date(start.getTime() + SIGN_IN_LINK_TTL_MS + 1))).toBeNull();
    expect(await redeemSignInLink(db, "not a token")).toBeNull();
  });

  it("expires, and ends at once on sign out", async () => {
    const start = new Date("2026-11-01T00:00:00Z");
    const token = await createOwnerSession(db, { organizationId }, start);
    expect(
      await readOwnerSession(db, token, new Date(start.getTime() + OWNER_SESSION_TTL_MS + 1)),
    ).toBeNull();
    const live = await createOwnerSession(db, { organizationId });
    await endOwnerSession(db, live);
    expect(await readOwnerSession(db, live)).toBeNull();
  });

  it("signs the cookie: http-only, SameSite=Lax, Secure over https, and a tampered cookie is no session", async () => {
    const keyring = keyringFrom(randomBytes(32).toString("base64"));
    const cookies = wooCookies(keyring, "https://app.example");
    const token = await createOwnerSession(db, { organizationId });
    const header = await cookies.session.serialize(token);
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Lax/);
    expect(header).toMatch(/Secure/);
    const cookie = header.split(";")[0];
    const request = (c: string) => new Request("https://app.example/woocommerce", { headers: { Cookie: c } });
    expect((await requireOwner(db, cookies, request(cookie))).session.organizationId).toBe(organizationId);

    const [name, value] = cookie.split("=");
    const tampered = `${name}=${value.slice(0, -2)}xx`;
    await expect(requireOwner(db, cookies, request(tampered))).rejects.toMatchObject({ status: 302 });
    const otherKeys = wooCookies(keyringFrom(randomBytes(32).toString("base64")), "https://app.example");
    await expect(requireOwner(db, otherKeys, request(cookie))).rejects.toMatchObject({ status: 302 });
  });
});
