/**
 * Sessions of WooCommerce-only owners (no Shopify admin to vouch for them). A successful connect — pasted key or
 * approved key — proves control of the store and signs the browser in to the store's organization. The cookie holds
 * a random token (signed, http-only, SameSite=Lax, Secure over https); only its SHA-256 is stored, so a database
 * leak reveals no usable session, and ending a session (sign out, disconnect) takes effect at once.
 */
import { createHash, hkdfSync, randomBytes } from "node:crypto";
import { createCookie, redirect, type Cookie } from "@remix-run/node";
import type { Keyring } from "../crypto/encryption.server";
import type { AppDb } from "../sync/platform";

export const OWNER_SESSION_TTL_MS = 14 * 24 * 60 * 60_000;
/** Sliding expiry is refreshed at most this often (one write per request would be wasteful). */
const TOUCH_AFTER_MS = 10 * 60_000;

export interface OwnerSession {
  id: string;
  organizationId: string;
  integrationId: string | null;
  expiresAt: Date;
}

function hash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Creates a session for an organization; returns the token to put in the cookie. */
export async function createOwnerSession(
  db: AppDb,
  input: { organizationId: string; integrationId?: string | null },
  now = new Date(),
): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await db.wooOwnerSession.create({
    data: {
      tokenHash: hash(token),
      organizationId: input.organizationId,
      integrationId: input.integrationId ?? null,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + OWNER_SESSION_TTL_MS),
    },
  });
  return token;
}

/** The live session behind a token, or null (unknown, expired, ended). Extends it while in use. */
export async function readOwnerSession(
  db: AppDb,
  token: string | null,
  now = new Date(),
): Promise<OwnerSession | null> {
  if (!token) return null;
  const row = await db.wooOwnerSession.findUnique({ where: { tokenHash: hash(token) } });
  if (!row || row.expiresAt <= now) return null;
  if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_AFTER_MS) {
    await db.wooOwnerSession.update({
      where: { id: row.id },
      data: { lastSeenAt: now, expiresAt: new Date(now.getTime() + OWNER_SESSION_TTL_MS) },
    });
  }
  return {
    id: row.id,
    organizationId: row.organizationId,
    integrationId: row.integrationId,
    expiresAt: row.expiresAt,
  };
}

/** Ends one session (sign out). */
export async function endOwnerSession(db: AppDb, token: string | null): Promise<void> {
  if (token) await db.wooOwnerSession.deleteMany({ where: { tokenHash: hash(token) } });
}

/** Removes expired sessions. */
export async function pruneOwnerSessions(db: AppDb, now = new Date()): Promise<number> {
  return (await db.wooOwnerSession.deleteMany({ where: { expiresAt: { lte: now } } })).count;
}

/** A cookie signing key derived from ENCRYPTION_KEY for one purpose (no extra secret to configure). */
function cookieSecret(keyring: Keyring, purpose: string): string {
  return Buffer.from(
    hkdfSync("sha256", keyring.current, Buffer.alloc(0), `commerce-sync ${purpose}`, 32),
  ).toString("base64url");
}

export interface WooCookies {
  session: Cookie;
  /** The key-approval nonce of the browser that started an approval. */
  approval: Cookie;
}

/** The owner's cookies, signed with keys derived from ENCRYPTION_KEY (current and old, during a rotation). */
export function wooCookies(keyring: Keyring, appUrl: string): WooCookies {
  const secure = appUrl.startsWith("https://");
  const secrets = (purpose: string) => [
    cookieSecret(keyring, purpose),
    ...keyring.old.map((old) => cookieSecret({ current: old, old: [] }, purpose)),
  ];
  return {
    session: createCookie("woo_owner", {
      httpOnly: true,
      sameSite: "lax",
      secure,
      path: "/",
      maxAge: OWNER_SESSION_TTL_MS / 1000,
      secrets: secrets("woocommerce owner session"),
    }),
    approval: createCookie("woo_approval", {
      httpOnly: true,
      sameSite: "lax",
      secure,
      path: "/woocommerce",
      maxAge: 30 * 60,
      secrets: secrets("woocommerce key approval"),
    }),
  };
}

/** The signed-in owner of a request, or a redirect to the connect page. */
export async function requireOwner(
  db: AppDb,
  cookies: WooCookies,
  request: Request,
): Promise<{ session: OwnerSession; token: string }> {
  const token = ((await cookies.session.parse(request.headers.get("Cookie"))) as string | null) ?? null;
  const session = await readOwnerSession(db, token);
  if (!session || !token) throw redirect("/woocommerce/connect?signin=1");
  return { session, token };
}
