/**
 * The bad-input corpus (issue 12, item 3): hostile and broken requests sent over real HTTP to the app (the Remix
 * build behind the production server module, tests/security/http-app.ts) on a seeded SQLite and PostgreSQL database. Every case
 * asserts the status, the message the sender reads, and that the database is byte-for-byte what it was before
 * (every row of every table), unless the case names the one bookkeeping change it makes and why.
 * All log lines written meanwhile are scanned for the secrets used here (see the last test).
 *
 * Every case is its own client: the app trusts one proxy (TRUST_PROXY=1) and each request carries its own address in
 * X-Forwarded-For, so the connect limits (ADR 0057, default sizes) count each case on its own; the limit cases below
 * first use up the attempts of an address of their own.
 */
import { createHmac, randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { keyringFrom, seal } from "../../app/crypto/encryption.server";
import { sealCredentials, sealWebhookSecret } from "../../app/crypto/integration-secrets.server";
import { createApiToken, revokeApiToken } from "../../app/integrations/api-tokens.server";
import { seedMerchant, type MerchantFixture } from "../../app/integrations/testing/merchant";
import { queryHmac } from "../../app/platforms/shopify/oauth.server";
import { sessionToken } from "../integration/routes-harness";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../setup/db";
import { readFileSync } from "node:fs";
import { Session } from "@shopify/shopify-api";
import { EncryptedSessionStorage } from "../../app/platforms/shopify/session-storage.server";
import { HTTP_APP, startHttpApp, type HttpApp } from "./http-app";
import { findSecrets, snapshotDatabase } from "./db-snapshot";

interface Ctx {
  appUrl: string;
  m: MerchantFixture;
  shop: string;
  wooSecret: string;
  token: string;
  revokedToken: string;
  attempts: { pending: string; expired: string; used: string };
  nonce: string;
}

type MaybePromise<T> = T | Promise<T>;

interface Case {
  name: string;
  request: (c: Ctx) => MaybePromise<{
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
  }>;
  status: number;
  /** Must appear in the response body (text or JSON); null when the platform contract is an empty body. */
  message: RegExp | null;
  /** Tables the case may change, with the reason (bookkeeping only). */
  mayChange?: { table: string; why: string };
}

/** A connect attempt that reached the limits: its count is written (a keyed digest of the address, ADR 0057). */
const COUNTED = { table: "RateLimitCounter", why: "the attempt is counted against the connect limits" };

const b64 = (key: string, body: string | Buffer) => createHmac("sha256", key).update(body).digest("base64");
const OTHER_SECRET = "not-the-app-secret-0123456789";
const ORDER = JSON.stringify({
  id: 820982911946154500,
  email: "jon@example.com",
  updated_at: "2026-11-30T10:00:00Z",
});

function shopifyHook(
  c: Ctx,
  opts: { topic?: string; shop?: string; body?: string; hmac?: string | null; path?: string },
) {
  const body = opts.body ?? ORDER;
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-Shopify-Topic": opts.topic ?? "orders/create",
    "X-Shopify-Shop-Domain": opts.shop ?? c.shop,
    "X-Shopify-API-Version": "2026-10",
    "X-Shopify-Webhook-Id": `wh-${randomBytes(4).toString("hex")}`,
    "X-Shopify-Event-Id": `ev-${randomBytes(4).toString("hex")}`,
    "X-Shopify-Triggered-At": new Date().toISOString(),
  };
  const hmac = opts.hmac === undefined ? b64(HTTP_APP.apiSecret, body) : opts.hmac;
  if (hmac !== null) headers["X-Shopify-Hmac-Sha256"] = hmac;
  return { method: "POST", path: opts.path ?? "/api/webhooks/shopify", headers, body };
}

function wooHook(
  c: Ctx,
  opts: {
    topic?: string;
    body?: string | Buffer;
    signature?: string | null;
    integration?: string | null;
    secret?: string;
  },
) {
  const body =
    opts.body ?? JSON.stringify({ id: 4242, status: "processing", date_modified_gmt: "2026-11-30T10:00:00" });
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-WC-Webhook-Source": "https://woo.example/",
    "X-WC-Webhook-Topic": opts.topic ?? "order.updated",
    "X-WC-Webhook-Resource": "order",
    "X-WC-Webhook-Event": "updated",
    "X-WC-Webhook-ID": "12",
    "X-WC-Webhook-Delivery-ID": randomBytes(16).toString("hex"),
  };
  const sig = opts.signature === undefined ? b64(opts.secret ?? c.wooSecret, body) : opts.signature;
  if (sig !== null) headers["X-WC-Webhook-Signature"] = sig;
  const integration = opts.integration === undefined ? c.m.wooId : opts.integration;
  const path = `/api/webhooks/woocommerce${integration === null ? "" : `?integration=${encodeURIComponent(integration)}`}`;
  return { method: "POST", path, headers, body };
}

/** Shopify's OAuth callback query, signed with `secret`. */
function oauthCallback(
  c: Ctx,
  opts: {
    state?: string | null;
    shop?: string;
    timestamp?: number;
    secret?: string | null;
    hmac?: string;
    cookie?: boolean;
  },
) {
  const shop = opts.shop ?? "newshop.myshopify.com";
  const params: Record<string, string> = {
    code: `code-${randomBytes(8).toString("hex")}`,
    host: Buffer.from(`admin.shopify.com/store/${shop.split(".")[0]}`).toString("base64url"),
    shop,
    timestamp: String(opts.timestamp ?? Math.floor(Date.now() / 1000)),
  };
  if (opts.state !== null) params.state = opts.state ?? oauthState("newshop.myshopify.com", c.nonce);
  if (opts.secret !== null) params.hmac = opts.hmac ?? queryHmac(params, opts.secret ?? HTTP_APP.apiSecret);
  const headers: Record<string, string> = opts.cookie ? { Cookie: `shopify_oauth_nonce=${c.nonce}` } : {};
  return { path: `/auth/callback?${new URLSearchParams(params)}`, headers };
}

function oauthState(shop: string, nonce: string, expiresInMs = 600_000): string {
  const payload = { s: shop, o: null, n: nonce, e: Date.now() + expiresInMs, c: "/auth/callback" };
  return seal(keyringFrom(HTTP_APP.encryptionKey), JSON.stringify(payload), "shopify-oauth-state");
}

function wcAuth(attempt: string, body: unknown) {
  return {
    method: "POST",
    path: `/wc-auth/callback/${attempt}`,
    headers: { "Content-Type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}
const key = (attempt: string, over: Record<string, unknown> = {}) => ({
  key_id: 7,
  user_id: attempt,
  consumer_key: `ck_${"a".repeat(40)}`,
  consumer_secret: `cs_${"b".repeat(40)}`,
  key_permissions: "read_write",
  ...over,
});

function connectForm(fields: Record<string, string>) {
  return {
    method: "POST",
    path: "/woocommerce/connect",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      intent: "keys",
      consumerKey: `ck_${"1".repeat(40)}`,
      consumerSecret: `cs_${"2".repeat(40)}`,
      ...fields,
    }).toString(),
  };
}

function api(
  c: Ctx,
  opts: { method?: string; path: string; token?: string | null; body?: string; contentType?: string },
) {
  const headers: Record<string, string> = {};
  const token = opts.token === undefined ? c.token : opts.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers["Content-Type"] = opts.contentType ?? "application/json";
  return { method: opts.method ?? "GET", path: opts.path, headers, body: opts.body };
}

const sync = (c: Ctx) => `/api/integrations/${c.m.shopifyId}/sync`;

/**
 * `address` once it has made its 10 connect attempts of the window (ADR 0057's default), each to a private store
 * address: counted, refused by the SSRF guard, nothing written.
 */
async function overConnectLimit(c: Ctx, address: string): Promise<string> {
  for (let i = 0; i < 10; i++) {
    const r = connectForm({ storeUrl: "http://10.0.0.5" });
    const res = await fetch(`${c.appUrl}${r.path}`, {
      method: "POST",
      headers: { ...r.headers, "X-Forwarded-For": address },
      body: r.body,
    });
    await res.text();
    if (res.status !== 400)
      throw new Error(`connect attempt ${i + 1} from ${address} answered ${res.status}`);
  }
  return address;
}

const ADDRESS_LIMITED = /Too many connection attempts from this address\. Try again in 10 minutes\./;

const CASES: Case[] = [
  // ── Shopify webhooks ──────────────────────────────────────────────────────────────────────────────────
  {
    name: "shopify webhook without HMAC",
    request: (c) => shopifyHook(c, { hmac: null }),
    status: 401,
    message: null,
  },
  {
    name: "shopify webhook with the HMAC of another body",
    request: (c) => shopifyHook(c, { hmac: b64(HTTP_APP.apiSecret, "{}") }),
    status: 401,
    message: null,
  },
  {
    name: "shopify webhook signed with another app's secret",
    request: (c) => shopifyHook(c, { hmac: b64(OTHER_SECRET, ORDER) }),
    status: 401,
    message: null,
  },
  {
    name: "shopify webhook with a non-base64 HMAC",
    request: (c) => shopifyHook(c, { hmac: "%%%not-base64%%%" }),
    status: 401,
    message: null,
  },
  {
    name: "shopify webhook body truncated in transit",
    request: (c) => ({ ...shopifyHook(c, {}), body: ORDER.slice(0, 30) }),
    status: 401,
    message: null,
  },
  {
    name: "shopify webhook signed but malformed JSON",
    request: (c) => shopifyHook(c, { body: '{"id": 1, "email": ' + '"x@example.com"' + ",}" }),
    status: 400,
    message: /not JSON/i,
  },
  {
    name: "shopify webhook signed from a domain that is not a Shopify shop",
    request: (c) => shopifyHook(c, { shop: "evil.example.com" }),
    status: 400,
    message: /shop domain/i,
  },
  {
    name: "shopify webhook signed with a malformed topic",
    request: (c) => shopifyHook(c, { topic: "../../etc/passwd" }),
    status: 400,
    message: /topic/i,
  },
  {
    name: "shopify webhook over the server's body limit",
    request: (c) => ({
      ...shopifyHook(c, {}),
      headers: { ...shopifyHook(c, {}).headers },
      body: Buffer.alloc(11 * 1024 * 1024, 0x20),
    }),
    status: 413,
    message: /too large/i,
  },
  {
    name: "shopify compliance webhook (customers/redact) with a bad HMAC",
    request: (c) =>
      shopifyHook(c, {
        path: "/webhooks/customers/redact",
        topic: "customers/redact",
        hmac: b64(OTHER_SECRET, ORDER),
      }),
    status: 401,
    message: null,
  },
  {
    name: "shopify app/uninstalled with a bad HMAC",
    request: (c) =>
      shopifyHook(c, {
        path: "/webhooks/app/uninstalled",
        topic: "app/uninstalled",
        hmac: b64(OTHER_SECRET, ORDER),
      }),
    status: 401,
    message: null,
  },
  {
    name: "shopify shop/redact without HMAC",
    request: (c) => shopifyHook(c, { path: "/webhooks/shop/redact", topic: "shop/redact", hmac: null }),
    status: 401,
    message: null,
  },
  {
    name: "GET on the Shopify webhook endpoint",
    request: () => ({ path: "/api/webhooks/shopify" }),
    status: 405,
    message: null,
  },

  // ── WooCommerce webhooks ──────────────────────────────────────────────────────────────────────────────
  {
    name: "woo webhook without signature",
    request: (c) => wooHook(c, { signature: null }),
    status: 401,
    message: /Invalid signature/,
  },
  {
    name: "woo webhook with a wrong signature",
    request: (c) => wooHook(c, { signature: b64(c.wooSecret, "{}") }),
    status: 401,
    message: /Invalid signature/,
  },
  {
    name: "woo webhook signed with another store's secret",
    request: (c) => wooHook(c, { secret: OTHER_SECRET }),
    status: 401,
    message: /Invalid signature/,
  },
  {
    name: "woo webhook body truncated in transit",
    request: (c) => ({
      ...wooHook(c, { body: '{"id":4242,"status":"processing"}' }),
      body: '{"id":4242,"sta',
    }),
    status: 401,
    message: /Invalid signature/,
  },
  {
    name: "woo webhook for an unknown integration",
    request: (c) => wooHook(c, { integration: "cm_does_not_exist" }),
    status: 404,
    message: /Unknown integration/,
  },
  {
    name: "woo webhook without an integration",
    request: (c) => wooHook(c, { integration: null }),
    status: 400,
    message: /names no integration/,
  },
  {
    name: "woo webhook with path traversal in the integration id",
    request: (c) => wooHook(c, { integration: "../../../etc/passwd" }),
    status: 404,
    message: /Unknown integration/,
  },
  {
    name: "woo webhook for another organization's Shopify integration id",
    request: (c) => wooHook(c, { integration: c.m.otherIntegrationId }),
    status: 404,
    message: /Unknown integration/,
  },
  {
    name: "woo webhook signed but malformed JSON",
    request: (c) => wooHook(c, { body: "{id: 4242" }),
    status: 400,
    message: /not JSON/,
  },
  {
    name: "woo webhook signed with an unknown topic",
    request: (c) => wooHook(c, { topic: "order.exploded" }),
    status: 400,
    message: /topic/i,
  },
  {
    name: "woo webhook signed with a malformed topic",
    request: (c) => wooHook(c, { topic: "order/../../x" }),
    status: 400,
    message: /topic/i,
  },
  {
    name: "woo webhook declaring a body over 5 MB",
    request: (c) => wooHook(c, { body: Buffer.alloc(6 * 1024 * 1024, 0x20) }),
    status: 413,
    message: /too large/i,
  },

  // ── Shopify OAuth callback ────────────────────────────────────────────────────────────────────────────
  {
    name: "oauth callback without hmac",
    request: (c) => oauthCallback(c, { secret: null, cookie: true }),
    status: 401,
    message: /did not come from Shopify/,
  },
  {
    name: "oauth callback with a forged hmac",
    request: (c) => oauthCallback(c, { secret: OTHER_SECRET, cookie: true }),
    status: 401,
    message: /did not come from Shopify/,
  },
  {
    name: "oauth callback without state",
    request: (c) => oauthCallback(c, { state: null, cookie: true }),
    status: 400,
    message: /invalid or has expired/,
  },
  {
    name: "oauth callback with a forged state",
    request: (c) => oauthCallback(c, { state: "v1.forged.state", cookie: true }),
    status: 400,
    message: /invalid or has expired/,
  },
  {
    name: "oauth callback with an expired state",
    request: (c) =>
      oauthCallback(c, { state: oauthState("newshop.myshopify.com", c.nonce, -1000), cookie: true }),
    status: 400,
    message: /invalid or has expired/,
  },
  {
    name: "oauth callback replayed (the browser's nonce cookie is gone)",
    request: (c) => oauthCallback(c, {}),
    status: 400,
    message: /another browser or has expired/,
  },
  {
    name: "oauth callback for another shop than the state's",
    request: (c) => oauthCallback(c, { shop: "othershop.myshopify.com", cookie: true }),
    status: 400,
    message: /made for another shop/,
  },
  {
    name: "oauth callback with a shop that is not a Shopify domain",
    request: (c) => oauthCallback(c, { shop: "evil.example.com", cookie: true }),
    status: 400,
    message: /made for another shop/,
  },
  {
    name: "oauth callback with an old timestamp",
    request: (c) => oauthCallback(c, { timestamp: Math.floor(Date.now() / 1000) - 86_400, cookie: true }),
    status: 400,
    message: /too old/,
  },

  // ── WooCommerce key-approval callback ─────────────────────────────────────────────────────────────────
  {
    name: "wc-auth callback for an unknown attempt",
    request: () => wcAuth("x".repeat(32), key("x".repeat(32))),
    status: 404,
    message: /Unknown connect attempt/,
  },
  {
    name: "wc-auth callback with path traversal in the attempt id",
    request: () => wcAuth("..%2F..%2Fetc%2Fpasswd", key("../../etc/passwd")),
    status: 404,
    message: /Unknown connect attempt/,
  },
  {
    name: "wc-auth callback with malformed JSON",
    request: (c) => wcAuth(c.attempts.pending, "{consumer_key: ck_"),
    status: 400,
    message: /not JSON/,
  },
  {
    name: "wc-auth callback with truncated JSON",
    request: (c) => wcAuth(c.attempts.pending, JSON.stringify(key(c.attempts.pending)).slice(0, 40)),
    status: 400,
    message: /not JSON/,
  },
  {
    name: "wc-auth callback with a malformed consumer key",
    request: (c) => wcAuth(c.attempts.pending, key(c.attempts.pending, { consumer_key: "ck_short" })),
    status: 400,
    message: /missing or malformed/,
  },
  {
    name: "wc-auth callback without consumer secret",
    request: (c) => wcAuth(c.attempts.pending, key(c.attempts.pending, { consumer_secret: undefined })),
    status: 400,
    message: /missing or malformed/,
  },
  {
    name: "wc-auth callback whose user_id is another attempt",
    request: (c) => wcAuth(c.attempts.pending, key(c.attempts.used)),
    status: 400,
    message: /user_id does not match/,
  },
  {
    name: "wc-auth callback replayed after the key was received",
    request: (c) => wcAuth(c.attempts.used, key(c.attempts.used)),
    status: 409,
    message: /already received a key/,
  },
  {
    name: "wc-auth callback for an expired attempt",
    request: (c) => wcAuth(c.attempts.expired, key(c.attempts.expired)),
    status: 410,
    message: /expired/,
    mayChange: { table: "WooConnectAttempt", why: "the expired attempt is marked failed" },
  },
  {
    name: "wc-auth callback with an oversized body",
    request: (c) =>
      wcAuth(c.attempts.pending, JSON.stringify(key(c.attempts.pending, { padding: "x".repeat(200_000) }))),
    status: 413,
    message: /too large/i,
  },
  {
    name: "GET on the wc-auth callback",
    request: (c) => ({ path: `/wc-auth/callback/${c.attempts.pending}` }),
    status: 405,
    message: /Method Not Allowed/,
  },

  // ── WooCommerce connect form (SSRF, malformed keys, oversized fields) ─────────────────────────────────
  {
    name: "connect to a private IPv4 store URL",
    request: () => connectForm({ storeUrl: "http://10.0.0.5" }),
    status: 400,
    message: /private network/,
    mayChange: COUNTED,
  },
  {
    name: "connect to the IPv6 loopback",
    request: () => connectForm({ storeUrl: "http://[::1]:8080" }),
    status: 400,
    message: /loopback/,
    mayChange: COUNTED,
  },
  {
    name: "connect to an IPv4-mapped IPv6 loopback",
    request: () => connectForm({ storeUrl: "http://[::ffff:127.0.0.1]/" }),
    status: 400,
    message: /loopback/,
    mayChange: COUNTED,
  },
  {
    name: "connect to a DNS name that resolves to loopback",
    request: () => connectForm({ storeUrl: "http://localhost:4200" }),
    status: 400,
    message: /loopback/,
    mayChange: COUNTED,
  },
  {
    name: "connect to the cloud metadata address",
    request: () => connectForm({ storeUrl: "http://169.254.169.254/latest/meta-data" }),
    status: 400,
    message: /metadata|link-local/,
    mayChange: COUNTED,
  },
  {
    name: "connect to a decimal-encoded loopback address",
    request: () => connectForm({ storeUrl: "http://2130706433/" }),
    status: 400,
    message: /loopback/,
    mayChange: COUNTED,
  },
  {
    name: "connect to the unspecified address",
    request: () => connectForm({ storeUrl: "http://0.0.0.0:80" }),
    status: 400,
    message: /unspecified|loopback/,
    mayChange: COUNTED,
  },
  {
    name: "key approval started for a private store URL",
    request: () => ({
      ...connectForm({ storeUrl: "http://192.168.1.20" }),
      body: new URLSearchParams({ intent: "approve", storeUrl: "http://192.168.1.20" }).toString(),
    }),
    status: 400,
    message: /private network/,
    mayChange: COUNTED,
  },
  {
    name: "connect with a store URL that is not a URL",
    request: () => connectForm({ storeUrl: "javascript:alert(1)" }),
    status: 400,
    message: /store address|URL|http/i,
  },
  {
    name: "connect with a malformed consumer key",
    request: () => connectForm({ storeUrl: "https://store.example.com", consumerKey: "not-a-key" }),
    status: 400,
    message: /consumer key/,
  },
  {
    name: "connect with key and secret swapped",
    request: () =>
      connectForm({
        storeUrl: "https://store.example.com",
        consumerKey: `cs_${"2".repeat(40)}`,
        consumerSecret: `ck_${"1".repeat(40)}`,
      }),
    status: 400,
    message: /swapped/,
  },
  {
    name: "connect with an oversized store URL field",
    request: () => connectForm({ storeUrl: `https://${"a".repeat(100_000)}.example.com` }),
    status: 400,
    message: /too long|store address/i,
  },
  {
    name: "connect posted from another site",
    request: () => ({
      ...connectForm({ storeUrl: "https://store.example.com" }),
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: "https://evil.example",
        "Sec-Fetch-Site": "cross-site",
      },
    }),
    status: 403,
    message: /Cross-site requests are not accepted/,
  },

  // ── Connect limits (ADR 0057): a client that used up its attempts; the store is not asked ──────────────
  {
    name: "11th connect attempt from one client within 10 minutes",
    request: async (c) => {
      const r = connectForm({ storeUrl: "https://store.example.com" });
      return { ...r, headers: { ...r.headers, "X-Forwarded-For": await overConnectLimit(c, "198.19.1.1") } };
    },
    status: 429,
    message: ADDRESS_LIMITED,
    mayChange: COUNTED,
  },
  {
    name: "key approval started by a client over the connect limit",
    request: async (c) => ({
      ...connectForm({}),
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Forwarded-For": await overConnectLimit(c, "198.19.1.2"),
      },
      body: new URLSearchParams({ intent: "approve", storeUrl: "https://store.example.com" }).toString(),
    }),
    status: 429,
    message: ADDRESS_LIMITED,
    mayChange: COUNTED,
  },
  {
    name: "client over the connect limit writing another address before the proxy's",
    request: async (c) => {
      const r = connectForm({ storeUrl: "https://store.example.com" });
      const address = await overConnectLimit(c, "198.19.1.3");
      return { ...r, headers: { ...r.headers, "X-Forwarded-For": `198.51.100.77, ${address}` } };
    },
    status: 429,
    message: ADDRESS_LIMITED,
    mayChange: COUNTED,
  },
  {
    name: "embedded connect by a client over the connect limit",
    request: async (c) => ({
      method: "POST",
      path: "/app/woocommerce/connect",
      headers: {
        Authorization: `Bearer ${await pendingToken(c, {})}`,
        "Content-Type": "application/x-www-form-urlencoded",
        // shopify-app-remix answers 410 to a bot's user agent (fetch's "node" is one) before the route runs.
        "User-Agent":
          "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
        "X-Forwarded-For": await overConnectLimit(c, "198.19.1.4"),
      },
      body: new URLSearchParams({
        storeUrl: "https://store.example.com",
        consumerKey: `ck_${"1".repeat(40)}`,
        consumerSecret: `cs_${"2".repeat(40)}`,
      }).toString(),
    }),
    status: 429,
    message: ADDRESS_LIMITED,
    mayChange: COUNTED,
  },
  {
    name: "API connect by a client over the connect limit",
    request: async (c) => {
      const r = api(c, {
        method: "POST",
        path: "/api/integrations/woocommerce/connect",
        body: JSON.stringify({
          storeUrl: "https://store.example.com",
          consumerKey: `ck_${"1".repeat(40)}`,
          consumerSecret: `cs_${"2".repeat(40)}`,
        }),
      });
      return { ...r, headers: { ...r.headers, "X-Forwarded-For": await overConnectLimit(c, "198.19.1.5") } };
    },
    status: 429,
    message: /"code":"rate_limited".*Too many connection attempts from this address/,
    mayChange: COUNTED,
  },

  // ── Integrations API (tokens, ids, bodies) ────────────────────────────────────────────────────────────
  {
    name: "API without a token",
    request: (c) => api(c, { path: "/api/integrations", token: null }),
    status: 401,
    message: /missing_token/,
  },
  {
    name: "API with a malformed token",
    request: (c) => api(c, { path: "/api/integrations", token: "abc'; DROP TABLE--" }),
    status: 401,
    message: /token/i,
  },
  {
    name: "API with a revoked token",
    request: (c) => api(c, { path: "/api/integrations", token: c.revokedToken }),
    status: 401,
    message: /token/i,
  },
  {
    name: "API with an unknown well-formed token",
    request: (c) => api(c, { path: "/api/integrations", token: `cst_${"A".repeat(43)}` }),
    status: 401,
    message: /token/i,
  },
  {
    name: "API with an expired session token",
    request: async (c) =>
      api(c, { path: "/api/integrations", token: await pendingToken(c, { expiresInS: -120 }) }),
    status: 401,
    message: /token/i,
  },
  {
    name: "API with a session token signed by another app",
    request: async (c) =>
      api(c, { path: "/api/integrations", token: await pendingToken(c, { secret: OTHER_SECRET }) }),
    status: 401,
    message: /token/i,
  },
  {
    name: "API sync with path traversal in the id",
    request: (c) =>
      api(c, { method: "POST", path: "/api/integrations/..%2F..%2Fetc%2Fpasswd/sync", body: "{}" }),
    status: 400,
    message: /invalid_input.*id/s,
  },
  {
    name: "GET on a Shopify compliance webhook",
    request: () => ({ path: "/webhooks/customers/data_request" }),
    status: 405,
    message: /Method Not Allowed/,
  },
  {
    name: "API sync of another organization's integration",
    request: (c) =>
      api(c, { method: "POST", path: `/api/integrations/${c.m.otherIntegrationId}/sync`, body: "{}" }),
    status: 404,
    message: /not_found|No integration/i,
  },
  {
    name: "API sync history of another organization's integration",
    request: (c) => api(c, { path: `/api/integrations/${c.m.otherIntegrationId}/sync-history` }),
    status: 404,
    message: /not_found|No integration/i,
  },
  {
    name: "API disconnect of another organization's integration",
    request: (c) =>
      api(c, {
        method: "POST",
        path: `/api/integrations/${c.m.otherIntegrationId}/disconnect`,
        body: '{"keepData":false}',
      }),
    status: 404,
    message: /not_found|No integration/i,
  },
  {
    name: "API sync with a wrong content type",
    request: (c) => api(c, { method: "POST", path: sync(c), body: "kind=full", contentType: "text/plain" }),
    status: 415,
    message: /application\/json/,
  },
  {
    name: "API sync with malformed JSON",
    request: (c) => api(c, { method: "POST", path: sync(c), body: "{kind: full" }),
    status: 400,
    message: /JSON/,
  },
  {
    name: "API sync with truncated JSON",
    request: (c) => api(c, { method: "POST", path: sync(c), body: '{"kind": "fu' }),
    status: 400,
    message: /JSON/,
  },
  {
    name: "API sync with a body over 16 KB",
    request: (c) =>
      api(c, {
        method: "POST",
        path: sync(c),
        body: JSON.stringify({ kind: "full", pad: "x".repeat(20_000) }),
      }),
    status: 413,
    message: /larger than/,
  },
  {
    name: "API sync with an unknown kind",
    request: (c) => api(c, { method: "POST", path: sync(c), body: '{"kind":"everything"}' }),
    status: 400,
    message: /kind/,
  },
  {
    name: "API sync with unknown resources",
    request: (c) => api(c, { method: "POST", path: sync(c), body: '{"resources":["passwords"]}' }),
    status: 400,
    message: /resources/,
  },
  {
    name: "API disconnect with a non-boolean keepData",
    request: (c) =>
      api(c, {
        method: "POST",
        path: `/api/integrations/${c.m.shopifyId}/disconnect`,
        body: '{"keepData":"no"}',
      }),
    status: 400,
    message: /keepData/,
  },
  {
    name: "customer block with an expired session token",
    request: async (c) => ({
      path: "/extensions/customer-profile?customerId=1",
      headers: { Authorization: `Bearer ${await pendingToken(c, { expiresInS: -120 })}` },
    }),
    status: 401,
    message: /token|session/i,
  },
];

const ACCESS_TOKEN = `shpat_${randomBytes(16).toString("hex")}`;
const REFRESH_TOKEN = `shprt_${randomBytes(16).toString("hex")}`;
const WOO_KEY = `ck_${"c".repeat(40)}`;
const WOO_SECRET = `cs_${"d".repeat(40)}`;

/** A session token for the seeded shop (tokens are made per case: they carry the time). */
const pendingToken: (c: Ctx, o: { expiresInS?: number; secret?: string }) => Promise<string> = (c, o) =>
  sessionToken(c.shop, {
    audience: HTTP_APP.apiKey,
    secret: o.secret ?? HTTP_APP.apiSecret,
    expiresInS: o.expiresInS,
  });

// Both databases the app supports: what is refused and what stays unchanged must not depend on the driver.
describe.each(DATABASE_KINDS)("bad-input corpus over HTTP (%s)", (kind) => {
  let t: TestDatabase;
  let app: HttpApp;
  let c: Ctx;
  const responses: string[] = [];
  /** The signature, token and one-time values the corpus sent, so the log scan looks for the real ones. */
  const sent: Record<string, string> = {};
  function rememberSentSecrets(r: { path: string; headers?: Record<string, string> }) {
    const query = new URL(r.path, "http://x").searchParams;
    for (const name of ["hmac", "code", "state", "host", "id_token", "session"]) {
      const value = query.get(name);
      if (value) sent[`${name} query value #${Object.keys(sent).length}`] = value;
    }
    for (const [name, value] of Object.entries(r.headers ?? {})) {
      if (/authorization|hmac|signature|cookie/i.test(name))
        sent[`${name} header #${Object.keys(sent).length}`] = value
          .replace(/^Bearer\s+/i, "")
          .replace(/^[^=]+=/, "");
    }
  }

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    // One trusted proxy and the default connect limits (blank = not set): see the header comment.
    app = await startHttpApp(t, {
      TRUST_PROXY: "1",
      CONNECT_LIMIT_PER_IP: "",
      CONNECT_LIMIT_PER_IP_WINDOW_SECONDS: "",
      CONNECT_LIMIT_PER_ORGANIZATION: "",
      CONNECT_LIMIT_PER_ORGANIZATION_WINDOW_SECONDS: "",
    });
    const m = await seedMerchant(t.db);
    const keyring = keyringFrom(HTTP_APP.encryptionKey);
    const shop = (await t.db.integration.findUniqueOrThrow({ where: { id: m.shopifyId } })).storeKey;
    const wooSecret = `whsec_${randomBytes(16).toString("hex")}`;
    await t.db.integration.update({
      where: { id: m.wooId },
      data: {
        webhookSecret: sealWebhookSecret(keyring, m.wooId, wooSecret),
        credentials: sealCredentials(keyring, m.wooId, { consumerKey: WOO_KEY, consumerSecret: WOO_SECRET }),
      },
    });
    const token = (
      await createApiToken(t.db, { organizationId: m.organizationId, name: "Desk", createdBy: "test" })
    ).token;
    const revoked = await createApiToken(t.db, {
      organizationId: m.organizationId,
      name: "Old",
      createdBy: "test",
    });
    await revokeApiToken(t.db, { organizationId: m.organizationId, tokenId: revoked.id, actor: "test" });
    const attempt = async (status: string, expiresInMs: number) => {
      const id = randomBytes(24).toString("base64url");
      await t.db.wooConnectAttempt.create({
        data: {
          id,
          browserHash: "0".repeat(64),
          storeUrl: "https://woo.example",
          status,
          createdAt: new Date(),
          expiresAt: new Date(Date.now() + expiresInMs),
        },
      });
      return id;
    };
    const session = new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false });
    session.accessToken = ACCESS_TOKEN;
    session.refreshToken = REFRESH_TOKEN;
    session.scope = "read_customers";
    await new EncryptedSessionStorage(t.db, keyring).storeSession(session);
    c = {
      appUrl: app.url,
      m,
      shop,
      wooSecret,
      token,
      revokedToken: revoked.token,
      attempts: {
        pending: await attempt("pending", 600_000),
        expired: await attempt("pending", -1000),
        used: await attempt("keys_received", 600_000),
      },
      nonce: randomBytes(16).toString("base64url"),
    };
  });
  afterAll(async () => {
    await app?.close();
    await t?.cleanup();
  });
  beforeEach(async () => {
    // A token used within the minute is not written again (api-tokens.server.ts): keep the snapshot still.
    await t.db.apiToken.updateMany({ data: { lastUsedAt: new Date() } });
  });

  it("has at least 40 cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES.map((k, i) => [k.name, k, i] as const))("%s", async (_name, k, index) => {
    const before = await snapshotDatabase(t.db);
    const r = await k.request(c);
    rememberSentSecrets(r);
    // Each case its own client (the trusted proxy's entry), unless the case names one.
    const client = `198.18.${Math.floor(index / 250)}.${(index % 250) + 1}`;
    const res = await fetch(`${app.url}${r.path}`, {
      method: r.method ?? "GET",
      headers: { "X-Forwarded-For": client, ...r.headers },
      body: typeof r.body === "string" || r.body === undefined ? r.body : new Uint8Array(r.body),
      redirect: "manual",
    });
    const text = await res.text();
    responses.push(text);
    expect({ status: res.status, text: text.slice(0, 300) }).toMatchObject({ status: k.status });
    if (k.message) expect(text).toMatch(k.message);
    // Let anything the request started (a queued job, a late write) land before comparing.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const after = await snapshotDatabase(t.db);
    // The counters hold no client address, only its keyed digest.
    expect(after.RateLimitCounter).not.toMatch(/"connect-ip:[^"]*\d+\.\d+\.\d+\.\d+/);
    for (const table of Object.keys(before)) {
      if (k.mayChange?.table === table) continue;
      expect(after[table], `table ${table} changed`).toEqual(before[table]);
    }
  });

  function allSecrets(): Record<string, string> {
    return {
      "Shopify access token": ACCESS_TOKEN,
      "Shopify refresh token": REFRESH_TOKEN,
      "WooCommerce consumer key": WOO_KEY,
      "WooCommerce consumer secret": WOO_SECRET,
      SHOPIFY_API_SECRET: HTTP_APP.apiSecret,
      ENCRYPTION_KEY: HTTP_APP.encryptionKey,
      "woo webhook secret": c.wooSecret,
      "API token": c.token,
      "revoked API token": c.revokedToken,
      "browser nonce": c.nonce,
      "wc-auth attempt id": c.attempts.pending,
      ...sent,
    };
  }

  it("keeps every credential unreadable in a raw dump of the database (file bytes and every row)", async () => {
    const { wooSecret, token } = c;
    // The stored credentials exist (else the check below proves nothing) …
    expect(await t.db.session.count()).toBeGreaterThan(0);
    expect((await t.db.integration.findUniqueOrThrow({ where: { id: c.m.wooId } })).credentials).toBeTruthy();
    // … and neither the SQLite file's bytes nor an SQL dump of every table holds one in the clear.
    const credentials = {
      "Shopify access token": ACCESS_TOKEN,
      "Shopify refresh token": REFRESH_TOKEN,
      "WooCommerce consumer key": WOO_KEY,
      "WooCommerce consumer secret": WOO_SECRET,
      "woo webhook secret": wooSecret,
      "API token": token,
      "revoked API token": c.revokedToken,
      ENCRYPTION_KEY: HTTP_APP.encryptionKey,
      "encryption key (hex)": Buffer.from(HTTP_APP.encryptionKey, "base64").toString("hex"),
    };
    const dump = Object.entries(await snapshotDatabase(t.db)).map(([table, rows]) => `${table}\n${rows}`);
    if (kind === "sqlite") {
      const fileBytes = readFileSync(t.url.replace(/^file:/, "")).toString("latin1");
      expect(findSecrets([fileBytes], credentials, { shapes: false })).toEqual([]);
    }
    expect(findSecrets(dump, credentials)).toEqual([]);
  });

  it("logged no secret while answering the corpus, and echoed none back", () => {
    const secrets = allSecrets();
    expect(Object.keys(sent).length).toBeGreaterThan(20);
    expect(app.lines.length).toBeGreaterThan(CASES.length);
    expect(findSecrets(app.lines, secrets)).toEqual([]);
    expect(findSecrets(responses, secrets)).toEqual([]);
  });
});
