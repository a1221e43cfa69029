/**
 * Sessions of WooCommerce-only owners (no Shopify admin to vouch for them). A successful connect — pasted key or
 * approved key — proves control of the store and signs the browser in to the store's organization. The cookie holds
 * a random token (signed, http-only, SameSite=Lax, Secure over https); only its SHA-256 is stored, so a database
 * leak reveals no usable session, and ending a session (sign out, disconnect) takes effect at once.
 */
import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
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
  return mintToken(db, input, "", OWNER_SESSION_TTL_MS, now);
}

/** A random token whose `prefix` + hash is stored (sessions: no prefix; sign-in links: LINK_PREFIX), for `ttlMs`. */
async function mintToken(
  db: AppDb,
  input: { organizationId: string; integrationId?: string | null },
  prefix: string,
  ttlMs: number,
  now: Date,
): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await pruneOwnerSessions(db, now);
  await db.wooOwnerSession.create({
    data: {
      tokenHash: prefix + hash(token),
      organizationId: input.organizationId,
      integrationId: input.integrationId ?? null,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + ttlMs),
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

/** How long a one-time sign-in link stays usable. */
export const SIGN_IN_LINK_TTL_MS = 30 * 60_000;
/** Link rows live beside sessions, under a prefixed hash, so a link token never reads as a session and vice versa. */
const LINK_PREFIX = "sign-in-link:";

/**
 * A one-time sign-in link token for an organization's owner pages (`/woocommerce/sign-in/{token}`), minted by
 * someone who already holds the database (the demo, an operator's script): single-use, expires after
 * {@link SIGN_IN_LINK_TTL_MS}, only its hash is stored. No HTTP route mints one.
 */
export async function createSignInLink(
  db: AppDb,
  input: { organizationId: string; integrationId?: string | null },
  now = new Date(),
): Promise<string> {
  return mintToken(db, input, LINK_PREFIX, SIGN_IN_LINK_TTL_MS, now);
}

/**
 * Spends a sign-in link: a new owner session (its token, for the cookie) when the link is known, unexpired and not
 * used before; null otherwise. Of two concurrent uses only one wins (the delete counts the row once).
 */
export async function redeemSignInLink(
  db: AppDb,
  token: string,
  now = new Date(),
): Promise<{ token: string; integrationId: string | null } | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const row = await db.wooOwnerSession.findUnique({ where: { tokenHash: LINK_PREFIX + hash(token) } });
  if (!row) return null;
  const spent = await db.wooOwnerSession.deleteMany({ where: { id: row.id, expiresAt: { gt: now } } });
  if (spent.count !== 1) return null;
  const session = await createOwnerSession(
    db,
    { organizationId: row.organizationId, integrationId: row.integrationId },
    now,
  );
  return { token: session, integrationId: row.integrationId };
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

/**
 * A short-lived grant to connect stores into an organization, handed from the embedded app (where the merchant is
 * authenticated by Shopify) to the standalone connect page, which the key approval needs (a first-party cookie
 * binds the approval to the browser; an iframe cannot set one). HMAC-signed with a key derived from ENCRYPTION_KEY.
 */
export function signOrganizationGrant(keyring: Keyring, organizationId: string, now = new Date()): string {
  const payload = Buffer.from(
    JSON.stringify({ o: organizationId, e: now.getTime() + GRANT_TTL_MS }),
  ).toString("base64url");
  return `${payload}.${grantMac(keyring.current, payload)}`;
}

/** The organization a grant names, or null when it is forged, malformed or expired. */
export function readOrganizationGrant(
  keyring: Keyring,
  grant: string | null,
  now = new Date(),
): string | null {
  if (!grant) return null;
  const [payload, mac] = grant.split(".");
  if (!payload || !mac) return null;
  const valid = [keyring.current, ...keyring.old].some((key) => {
    const expected = Buffer.from(grantMac(key, payload));
    const given = Buffer.from(mac);
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!valid) return null;
  try {
    const { o, e } = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
      o?: unknown;
      e?: unknown;
    };
    return typeof o === "string" && typeof e === "number" && e > now.getTime() ? o : null;
  } catch {
    return null;
  }
}

const GRANT_TTL_MS = 30 * 60_000;

function grantMac(key: Buffer, payload: string): string {
  const macKey = Buffer.from(
    hkdfSync("sha256", key, Buffer.alloc(0), "commerce-sync organization grant", 32),
  );
  return createHmac("sha256", macKey).update(payload).digest("base64url");
}

/**
 * Refuses a cross-site form post (login CSRF: a foreign page making this browser connect someone else's store and
 * sign in to their account). Browsers send `Origin` on POST; `Sec-Fetch-Site` where they support it.
 */
export function assertSameOrigin(request: Request, appUrl: string): void {
  const site = request.headers.get("sec-fetch-site");
  const origin = request.headers.get("origin");
  const allowed = new Set([new URL(appUrl).origin, new URL(request.url).origin]);
  if ((site && site !== "same-origin" && site !== "none") || (origin && !allowed.has(origin))) {
    throw new Response("Cross-site requests are not accepted here.", { status: 403 });
  }
}
