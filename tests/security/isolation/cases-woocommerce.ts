/** Isolation cases of the standalone WooCommerce owner pages (A's owner cookie) and of webhooks addressed to B. */
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { HTTP_APP } from "../http-app";
import { b64hmac, NOT_FOUND_PAGE, owner, VICTIM_CUSTOMER, type Case } from "./world";

export const WOOCOMMERCE_CASES: Case[] = [
  // ── Standalone WooCommerce owner pages: A's owner cookie ─────────────────────────────────────────────
  {
    name: "owner page of B's WooCommerce store",
    route: "woocommerce.stores.$integrationId",
    request: (w) => owner(w, `/woocommerce/stores/${w.b.wooId}`),
    status: 404,
    body: NOT_FOUND_PAGE,
  },
  {
    name: "owner page of B's Shopify store",
    route: "woocommerce.stores.$integrationId",
    request: (w) => owner(w, `/woocommerce/stores/${w.b.shopifyId}`),
    status: 404,
    body: NOT_FOUND_PAGE,
  },
  {
    name: "owner Sync now on B's store",
    route: "woocommerce.stores.$integrationId",
    request: (w) => owner(w, `/woocommerce/stores/${w.b.wooId}`, { intent: "sync", kind: "full" }),
    status: 404,
    body: NOT_FOUND_PAGE,
  },
  {
    name: "owner turns off the automatic syncs of B's store",
    route: "woocommerce.stores.$integrationId",
    request: (w) =>
      owner(w, `/woocommerce/stores/${w.b.wooId}`, { intent: "schedule", interval: "0", window: "off" }),
    status: 404,
    body: NOT_FOUND_PAGE,
  },
  {
    name: "owner Disconnect of B's store",
    route: "woocommerce.stores.$integrationId",
    request: (w) => owner(w, `/woocommerce/stores/${w.b.wooId}`, { intent: "disconnect", keepData: "false" }),
    status: 404,
    body: NOT_FOUND_PAGE,
  },
  {
    name: "owner progress of B's store",
    route: "woocommerce.stores.$integrationId.progress",
    request: (w) => owner(w, `/woocommerce/stores/${w.b.wooId}/progress`),
    status: 404,
    body: /not_found/,
  },
  {
    name: "owner progress of B's Shopify store",
    route: "woocommerce.stores.$integrationId.progress",
    request: (w) => owner(w, `/woocommerce/stores/${w.b.shopifyId}/progress`),
    status: 404,
    body: /No integration with this id exists in your organization/,
  },
  {
    name: "owner store list",
    route: "woocommerce._index",
    request: (w) => owner(w, `/woocommerce`),
    status: 200,
    body: /Acme Woo/,
  },
  {
    name: "sign-out with B's session token in an unsigned cookie",
    route: "woocommerce.sign-out",
    request: (w) => ({
      method: "POST",
      path: "/woocommerce/sign-out",
      headers: {
        Cookie: `woo_owner=${encodeURIComponent(Buffer.from(JSON.stringify(w.b.ownerSessionToken)).toString("base64"))}`,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: "",
    }),
    status: 302,
  },
  {
    name: "key-approval return of B's approval in A's browser",
    route: "woocommerce.connect_.return",
    request: (w) => ({
      path: `/woocommerce/connect/return?attempt=${w.b.attemptId}&success=1`,
      headers: { Cookie: `${w.a.ownerCookie}; ${w.a.approvalCookie}` },
    }),
    status: 400,
    body: /another browser/,
  },

  // ── Webhooks addressed to B ──────────────────────────────────────────────────────────────────────────
  {
    name: "WooCommerce webhook for B's store signed with A's store secret",
    route: "api.webhooks.woocommerce",
    request: (w) => {
      const body = JSON.stringify({
        id: 4242,
        status: "cancelled",
        date_modified_gmt: "2026-11-30T10:00:00",
      });
      return {
        method: "POST",
        path: `/api/webhooks/woocommerce?integration=${w.b.wooId}`,
        headers: {
          "Content-Type": "application/json",
          "X-WC-Webhook-Topic": "order.updated",
          "X-WC-Webhook-Resource": "order",
          "X-WC-Webhook-Event": "updated",
          "X-WC-Webhook-Delivery-ID": randomBytes(8).toString("hex"),
          "X-WC-Webhook-Signature": b64hmac(w.a.wooSecret, body),
        },
        body,
      };
    },
    status: 401,
    body: /Invalid signature/,
  },
  {
    name: "Shopify webhook from shop A whose payload names shop B and B's customer",
    route: "api.webhooks.shopify",
    request: (w) => {
      const body = JSON.stringify({ shop_domain: w.b.shop, customer: { id: Number(VICTIM_CUSTOMER) } });
      return {
        method: "POST",
        path: "/api/webhooks/shopify",
        headers: {
          "Content-Type": "application/json",
          "X-Shopify-Topic": "customers/update",
          "X-Shopify-Shop-Domain": w.a.shop,
          "X-Shopify-API-Version": "2026-10",
          "X-Shopify-Webhook-Id": `wh-${randomBytes(4).toString("hex")}`,
          "X-Shopify-Event-Id": `ev-${randomBytes(4).toString("hex")}`,
          "X-Shopify-Hmac-Sha256": b64hmac(HTTP_APP.apiSecret, body),
        },
        body,
      };
    },
    status: 200,
    mayChange: {
      tables: ["WebhookEvent", "pgboss_job", "Job"],
      why: "the delivery is stored and queued — under shop A's store (verified), never B's",
    },
    verify: async (w, t) => {
      const events = await t.db.webhookEvent.findMany({ where: { topic: "customers/update" } });
      expect(events.map((e) => [e.integrationId, e.storeKey])).toEqual([[w.a.shopifyId, w.a.shop]]);
    },
  },
];
