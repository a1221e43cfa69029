/** The bad-input corpus's case shape and the requests its cases build (signed, unsigned, mis-signed). */
import { createHmac, randomBytes } from "node:crypto";
import { keyringFrom, seal } from "../../../app/crypto/encryption.server";
import { queryHmac } from "../../../app/platforms/shopify/oauth.server";
import { sessionToken } from "../../integration/routes-harness";
import { HTTP_APP } from "../http-app";
import type { Ctx } from "./world";

type MaybePromise<T> = T | Promise<T>;

export interface Case {
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
export const COUNTED = {
  table: "RateLimitCounter",
  why: "the attempt is counted against the connect limits",
};

export const b64 = (key: string, body: string | Buffer) =>
  createHmac("sha256", key).update(body).digest("base64");
export const OTHER_SECRET = "not-the-app-secret-0123456789";
export const ORDER = JSON.stringify({
  id: 820982911946154500,
  email: "jon@example.com",
  updated_at: "2026-11-30T10:00:00Z",
});

export function shopifyHook(
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

export function wooHook(
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
export function oauthCallback(
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

export function oauthState(shop: string, nonce: string, expiresInMs = 600_000): string {
  const payload = { s: shop, o: null, n: nonce, e: Date.now() + expiresInMs, c: "/auth/callback" };
  return seal(keyringFrom(HTTP_APP.encryptionKey), JSON.stringify(payload), "shopify-oauth-state");
}

export function wcAuth(attempt: string, body: unknown) {
  return {
    method: "POST",
    path: `/wc-auth/callback/${attempt}`,
    headers: { "Content-Type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}
export const key = (attempt: string, over: Record<string, unknown> = {}) => ({
  key_id: 7,
  user_id: attempt,
  consumer_key: `ck_${"a".repeat(40)}`,
  consumer_secret: `cs_${"b".repeat(40)}`,
  key_permissions: "read_write",
  ...over,
});

export function connectForm(fields: Record<string, string>) {
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

export function api(
  c: Ctx,
  opts: { method?: string; path: string; token?: string | null; body?: string; contentType?: string },
) {
  const headers: Record<string, string> = {};
  const token = opts.token === undefined ? c.token : opts.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers["Content-Type"] = opts.contentType ?? "application/json";
  return { method: opts.method ?? "GET", path: opts.path, headers, body: opts.body };
}

export const sync = (c: Ctx) => `/api/integrations/${c.m.shopifyId}/sync`;

/**
 * `address` once it has made its 10 connect attempts of the window (ADR 0057's default), each to a private store
 * address: counted, refused by the SSRF guard, nothing written.
 */
export async function overConnectLimit(c: Ctx, address: string): Promise<string> {
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

export const ADDRESS_LIMITED = /Too many connection attempts from this address\. Try again in 10 minutes\./;

/** A session token for the seeded shop (tokens are made per case: they carry the time). */
export const pendingToken: (c: Ctx, o: { expiresInS?: number; secret?: string }) => Promise<string> = (
  c,
  o,
) =>
  sessionToken(c.shop, {
    audience: HTTP_APP.apiKey,
    secret: o.secret ?? HTTP_APP.apiSecret,
    expiresInS: o.expiresInS,
  });
