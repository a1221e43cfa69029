/**
 * The authorization-code grant, for installs started outside the Shopify admin: the login page (`/auth/login` →
 * `/auth/callback`) and the integrations API (`POST /api/integrations/shopify/connect` →
 * `GET /api/integrations/shopify/callback`). Embedded installs use Shopify-managed install and token exchange
 * instead (shopify-app-remix, see app/shopify.server.ts); both end in `completeShopifyInstall`.
 *
 * `state` is sealed with the app's key (app/crypto): it names the shop, the organization the store joins (when an
 * existing account started it), a nonce and an expiry, so it cannot be forged, replayed for another shop, or used
 * after 10 minutes. A browser-started flow also binds it to the browser with the nonce in a cookie. The callback is
 * accepted only with Shopify's HMAC over its query (checked in constant time) and a shop domain on myshopify.com,
 * the only hosts the app ever sends a token request to. Each state is accepted once: its nonce is spent (a row in
 * `SpentNonce`, unique) before the code is exchanged, so a replayed callback is refused even within the 10 minutes.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { open, seal, type Keyring } from "../crypto/encryption.server";
import { AppError } from "../lib/errors";
import type { StoreCall } from "../sync/platform";
import { offlineSessionFrom } from "../platforms/shopify/access-token.server";
import { exchangeAuthorizationCode, verifyQueryHmac } from "../platforms/shopify/oauth.server";
import type { Db } from "../db/client.server";
import { ShopifyShopClaimedError, type InstallOutcome } from "./shopify-install.server";

/** How long an authorization started by the app stays valid. */
export const STATE_TTL_MS = 10 * 60_000;
/** Shopify's callback timestamp may differ from our clock by this much. */
const TIMESTAMP_TOLERANCE_MS = 10 * 60_000;
const STATE_CONTEXT = "shopify-oauth-state";
/** Where Shopify returns installs started through the integrations API (one of the toml's `[auth] redirect_urls`). */
export const SHOPIFY_API_CALLBACK_PATH = "/api/integrations/shopify/callback";

export class ShopifyAuthorizationError extends AppError {
  constructor(code: string, message: string, httpStatus = 400) {
    super(code, message, { httpStatus });
  }
}

export interface ShopifyOAuthDeps {
  db: Db;
  apiKey: string;
  apiSecret: string;
  /** The app's public URL; callbacks are `${appUrl}${callbackPath}`. */
  appUrl: string;
  scopes: string[];
  keyring: Keyring;
  fetch: typeof fetch;
  sessions: SessionStorage;
  /** Runs the install bookkeeping once the token is stored (`completeShopifyInstall` with the app's deps). */
  install(input: {
    shop: string;
    scope: string | null;
    organizationId?: string;
    actor: string;
    calls: StoreCall[];
  }): Promise<InstallOutcome>;
  /** Where a browser reaches the shop's admin (default `https://{shop}/admin`; the local emulator in dev). */
  adminUrlFor?: (shop: string) => string;
  /** Extra allowed shop domain pattern (SHOP_CUSTOM_DOMAIN), e.g. `.*\.myshopify\.io`. */
  customShopDomain?: string;
  now?: () => Date;
}

interface StatePayload {
  /** shop */
  s: string;
  /** organization id or null */
  o: string | null;
  /** nonce */
  n: string;
  /** expiry, ms since epoch */
  e: number;
  /** callback path */
  c: string;
}

/**
 * "my-store", "my-store.myshopify.com" or "https://my-store.myshopify.com/" → "my-store.myshopify.com"; anything
 * that is not a Shopify shop domain → null.
 */
export function normalizeShopDomain(input: string, customShopDomain?: string): string | null {
  const raw = input
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, "")
    .replace(/\/.*$/, "");
  const shop = raw.includes(".") ? raw : `${raw}.myshopify.com`;
  if (/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shop)) return shop;
  if (customShopDomain && new RegExp(`^[a-z0-9][a-z0-9-]*\\.(${customShopDomain})$`).test(shop)) return shop;
  return null;
}

function nowMs(deps: ShopifyOAuthDeps): number {
  return (deps.now ?? (() => new Date()))().getTime();
}

/**
 * Starts an authorization: the URL to send the merchant to, and the nonce a browser flow keeps in a cookie.
 * `callbackPath` must be one of the app's `[auth] redirect_urls`.
 */
export function beginShopifyAuthorization(
  deps: ShopifyOAuthDeps,
  input: { shop: string; organizationId?: string; callbackPath: string },
): { authUrl: string; nonce: string; shop: string } {
  const shop = normalizeShopDomain(input.shop, deps.customShopDomain);
  if (!shop) {
    throw new ShopifyAuthorizationError(
      "shopify_invalid_shop",
      "That is not a Shopify shop domain. Use the form my-store.myshopify.com.",
    );
  }
  const nonce = randomBytes(16).toString("base64url");
  const payload: StatePayload = {
    s: shop,
    o: input.organizationId ?? null,
    n: nonce,
    e: nowMs(deps) + STATE_TTL_MS,
    c: input.callbackPath,
  };
  const state = seal(deps.keyring, JSON.stringify(payload), STATE_CONTEXT);
  const admin = (deps.adminUrlFor ?? ((s) => `https://${s}/admin`))(shop);
  const url = new URL(`${admin}/oauth/authorize`);
  url.searchParams.set("client_id", deps.apiKey);
  url.searchParams.set("scope", deps.scopes.join(","));
  url.searchParams.set("redirect_uri", new URL(input.callbackPath, deps.appUrl).toString());
  url.searchParams.set("state", state);
  if (!url.hostname.endsWith(shop)) url.searchParams.set("shop", shop);
  return { authUrl: url.toString(), nonce, shop };
}

/** The app inside `shop`'s admin: where a merchant lands once the store is connected. */
export function shopifyAppInAdminUrl(
  deps: Pick<ShopifyOAuthDeps, "adminUrlFor" | "apiKey">,
  shop: string,
): string {
  const admin = (deps.adminUrlFor ?? ((s: string) => `https://${s}/admin`))(shop);
  const appInAdmin = new URL(`${admin}/apps/${deps.apiKey}`);
  if (!appInAdmin.hostname.endsWith(shop)) appInAdmin.searchParams.set("shop", shop);
  return appInAdmin.toString();
}

export interface AuthorizationResult extends InstallOutcome {
  shop: string;
}

function readState(deps: ShopifyOAuthDeps, state: string | undefined): StatePayload {
  const invalid = () =>
    new ShopifyAuthorizationError(
      "shopify_oauth_state_invalid",
      "This Shopify connection link is invalid or has expired. Start connecting the store again.",
    );
  if (!state) throw invalid();
  let payload: StatePayload;
  try {
    payload = JSON.parse(open(deps.keyring, state, STATE_CONTEXT)) as StatePayload;
  } catch {
    throw invalid();
  }
  if (typeof payload.e !== "number" || payload.e < nowMs(deps)) throw invalid();
  return payload;
}

function sameNonce(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Completes an authorization from Shopify's callback query (`code`, `hmac`, `host`, `shop`, `state`, `timestamp`).
 * Verifies the HMAC, the shop, the state (and the browser's nonce when given), exchanges the code for an offline
 * token, stores it (encrypted session storage) and runs the install. Nothing is stored when a check fails.
 */
export async function completeShopifyAuthorization(
  deps: ShopifyOAuthDeps,
  params: Record<string, string>,
  options: { nonce?: string | null; actor?: string } = {},
): Promise<AuthorizationResult> {
  if (!verifyQueryHmac(params, deps.apiSecret)) {
    throw new ShopifyAuthorizationError(
      "shopify_oauth_hmac_invalid",
      "This request did not come from Shopify (its signature does not match). Start connecting the store again.",
      401,
    );
  }
  const state = readState(deps, params.state);
  if (params.error) {
    throw new ShopifyAuthorizationError(
      "shopify_oauth_declined",
      "The app was not installed: the install was cancelled in Shopify. Start again to connect the store.",
    );
  }
  const shop = normalizeShopDomain(params.shop ?? "", deps.customShopDomain);
  if (!shop || shop !== state.s) {
    throw new ShopifyAuthorizationError(
      "shopify_oauth_state_invalid",
      "This Shopify connection link was made for another shop. Start connecting the store again.",
    );
  }
  if (options.nonce !== undefined && (!options.nonce || !sameNonce(options.nonce, state.n))) {
    throw new ShopifyAuthorizationError(
      "shopify_oauth_state_invalid",
      "This Shopify connection was started in another browser or has expired. Start connecting the store again.",
    );
  }
  const timestampMs = Number(params.timestamp) * 1000;
  if (!Number.isFinite(timestampMs) || Math.abs(timestampMs - nowMs(deps)) > TIMESTAMP_TOLERANCE_MS) {
    throw new ShopifyAuthorizationError(
      "shopify_oauth_expired",
      "This Shopify sign-in is too old. Start connecting the store again.",
    );
  }
  if (!params.code) {
    throw new ShopifyAuthorizationError(
      "shopify_oauth_invalid",
      "Shopify's answer carries no authorization code.",
    );
  }
  await spendStateNonce(deps, state);
  if (state.o) {
    // Refuse before any token changes hands: a shop connected elsewhere is not moved to this account.
    const existing = await deps.db.integration.findUnique({
      where: { platform_storeKey: { platform: "shopify", storeKey: shop } },
      select: { organizationId: true },
    });
    if (existing && existing.organizationId !== state.o) throw new ShopifyShopClaimedError(shop);
  }
  const calls: StoreCall[] = [];
  const tokens = await exchangeAuthorizationCode(
    {
      shop,
      apiKey: deps.apiKey,
      apiSecret: deps.apiSecret,
      fetch: deps.fetch,
      recordCall: (call) => calls.push(call),
      now: deps.now,
    },
    params.code,
  );
  await deps.sessions.storeSession(offlineSessionFrom(shop, tokens));
  const outcome = await deps.install({
    shop,
    scope: tokens.scope,
    ...(state.o ? { organizationId: state.o } : {}),
    actor: options.actor ?? `merchant:${shop}`,
    calls,
  });
  return { ...outcome, shop };
}

/**
 * Marks the state's nonce as used; a second callback with the same state is a replay (a leaked URL, a reloaded
 * page, an attacker) and is refused. The insert is the check, so two concurrent replays cannot both pass.
 */
async function spendStateNonce(deps: ShopifyOAuthDeps, state: StatePayload): Promise<void> {
  const key = `shopify-oauth:${createHash("sha256").update(state.n).digest("hex")}`;
  await deps.db.spentNonce.deleteMany({ where: { expiresAt: { lt: new Date(nowMs(deps)) } } });
  try {
    await deps.db.spentNonce.create({ data: { key, expiresAt: new Date(state.e) } });
  } catch (error) {
    if ((error as { code?: string }).code !== "P2002") throw error;
    throw new ShopifyAuthorizationError(
      "shopify_oauth_replayed",
      "This Shopify connection link was already used. Start connecting the store again.",
    );
  }
}

/** Cookie binding a browser-started authorization to that browser (HttpOnly, 10 minutes, only sent to /auth). */
export const NONCE_COOKIE = "shopify_oauth_nonce";

export function nonceCookie(nonce: string, appUrl: string): string {
  const secure = appUrl.startsWith("https:") ? "; Secure" : "";
  return `${NONCE_COOKIE}=${nonce}; Path=/auth; HttpOnly; SameSite=Lax; Max-Age=${STATE_TTL_MS / 1000}${secure}`;
}

export function clearedNonceCookie(): string {
  return `${NONCE_COOKIE}=; Path=/auth; HttpOnly; SameSite=Lax; Max-Age=0`;
}

/** The nonce cookie's value in a Cookie header (null when absent). */
export function nonceFromCookie(header: string | null): string | null {
  for (const part of (header ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === NONCE_COOKIE) return value.join("=") || null;
  }
  return null;
}
