/** Bad-input cases of Shopify's OAuth callback and WooCommerce's key-approval callback. */
import { key, oauthCallback, oauthState, OTHER_SECRET, wcAuth, type Case } from "./requests";

export const OAUTH_CASES: Case[] = [
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
];
