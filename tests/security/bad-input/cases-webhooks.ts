/** Bad-input cases of the Shopify and WooCommerce webhook endpoints: signatures, shops, stores, bodies. */
import { HTTP_APP } from "../http-app";
import { b64, ORDER, OTHER_SECRET, shopifyHook, wooHook, type Case } from "./requests";

export const WEBHOOK_CASES: Case[] = [
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
];
