/**
 * Organization isolation across every route (issue 12, item 4), over real HTTP (tests/security/http-app.ts) on a
 * seeded database, SQLite and PostgreSQL. Organization A (a Shopify shop and a WooCommerce store) holds every credential a caller can
 * hold: a Shopify session token of its shop (embedded pages, the customer block, the API), an API token, a
 * WooCommerce owner cookie, an approval cookie, its store's webhook secret. Organization B ("victim") has its own
 * stores, contacts, orders, token, owner session and a pending key approval. Each case is A's credential naming
 * something of B's: the status is the route's documented refusal (404 mostly), the body holds nothing of B's (its
 * organization id, store names, store keys, integration ids, customer emails, token name — except what the request
 * itself sent), and every row of every table is what it was, unless the case names the one change it makes.
 *
 * The route list is read from app/routes: a route that is neither exercised here nor listed with the reason it takes
 * no id of another organization fails the first test, so a new route is considered before it ships.
 * Positive controls: the same credentials asking for A's own resources get 200 and A's data (else a broken
 * credential in the harness would pass every refusal).
 */
import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Session } from "@shopify/shopify-api";
import { keyringFrom } from "../../app/crypto/encryption.server";
import { sealWebhookSecret } from "../../app/crypto/integration-secrets.server";
import { createApiToken } from "../../app/integrations/api-tokens.server";
import { createOwnerSession, wooCookies } from "../../app/integrations/woocommerce-session.server";
import { seedMerchant } from "../../app/integrations/testing/merchant";
import { EncryptedSessionStorage } from "../../app/platforms/shopify/session-storage.server";
import { runSync } from "../../app/sync/engine.server";
import { seedOrganization } from "../../app/sync/testing/fixtures";
import { createMemorySource, syntheticOrder, syntheticProduct } from "../../app/sync/testing/memory-source";
import { sessionToken } from "../integration/routes-harness";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../setup/db";
import { findSecrets, snapshotDatabase } from "./db-snapshot";
import { HTTP_APP, startHttpApp, type HttpApp } from "./http-app";

/** Numeric, over 2^53: B's Shopify customer as the admin block names it. */
const VICTIM_CUSTOMER = "9007199254740993";

interface World {
  a: {
    organizationId: string;
    shopifyId: string;
    wooId: string;
    shop: string;
    apiToken: string;
    ownerCookie: string;
    wooSecret: string;
    approvalCookie: string;
  };
  b: {
    organizationId: string;
    shopifyId: string;
    wooId: string;
    shop: string;
    tokenId: string;
    ownerSessionToken: string;
    attemptId: string;
    markers: string[];
  };
}

interface Req {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

interface Case {
  name: string;
  /** The route file (app/routes, without extension) the request reaches. */
  route: string;
  request: (w: World) => Promise<Req> | Req;
  status: number;
  /** Must appear in the body: the route's refusal message, or proof that A's view was served. */
  body?: RegExp;
  /** Tables the case may change, with why (the change itself is checked by `verify`). */
  mayChange?: { tables: string[]; why: string };
  verify?: (w: World, t: TestDatabase) => Promise<void>;
}

/** Routes that take no id of another organization (nothing to isolate beyond their caller), with the reason. */
/** Routes whose id parameter is itself the credential: naming another organization's id is not a thing a caller can do. */
const TOKEN_IS_CREDENTIAL = ["wc-auth.callback.$attemptId", "woocommerce_.sign-in.$token"];

const NO_FOREIGN_ID: Record<string, string> = {
  $: "catch-all 404 page; reads nothing",
  "api.$": "the API's JSON 404 for unknown /api/ addresses; reads nothing",
  _index: "public landing page; reads nothing",
  "auth.$": "Shopify OAuth begin (shopify-app-remix); the shop comes from the signed query",
  "auth.callback": "OAuth callback: Shopify's HMAC and a sealed single-use state (bad-input corpus)",
  "auth.login": "login form; a shop domain, no data",
  healthz: "liveness; no data",
  "api.openapi[.]json": "the API description; no data",
  "api.integrations.shopify.connect":
    "creates an install for the bearer token's own organization (no id taken from input)",
  "api.integrations.woocommerce.connect":
    "connects a store into the bearer token's own organization (no id taken from input)",
  "api.integrations.shopify.callback":
    "Shopify's HMAC and the sealed single-use state name the organization (bad-input corpus)",
  "app._index": "overview of the session's organization; exercised below for foreign data in the body",
  app: "layout: authenticates, reads no data",
  "app.$": "authenticated 404 for unknown /app addresses",
  "app.woocommerce.connect":
    "grant and connect for the session's own organization (organization from the session, not input)",
  "webhooks.app.uninstalled":
    "Shopify-signed; the organization is the signed shop header's (see the shop-header case)",
  "webhooks.bulk_operations.finish":
    "Shopify-signed; stored under the signed shop header's store and processed by that store's id",
  "webhooks.customers.data_request": "Shopify-signed compliance topic; same ingest as api.webhooks.shopify",
  "webhooks.customers.redact": "Shopify-signed compliance topic; same ingest as api.webhooks.shopify",
  "webhooks.shop.redact": "Shopify-signed compliance topic; same ingest as api.webhooks.shopify",
  woocommerce: "layout of the standalone pages; no data",
  "woocommerce.connect":
    "connects into the store's own organization or the one a signed, expiring grant names (bad-input corpus)",
  "woocommerce_.sign-in.$token":
    "a one-time sign-in link minted for one owner (demo); the unguessable single-use token is the credential, no organization is named",
  "wc-auth.callback.$attemptId":
    "server-to-server from the store; the unguessable attempt id is the credential, no organization is named (bad-input corpus)",
};

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

function embedded(token: string, path: string, post?: Record<string, string>): Req {
  return post
    ? {
        method: "POST",
        path,
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/x-www-form-urlencoded" },
        body: form(post),
      }
    : { path, headers: { Authorization: `Bearer ${token}` } };
}

const shopToken = (shop: string) =>
  sessionToken(shop, { audience: HTTP_APP.apiKey, secret: HTTP_APP.apiSecret });

function owner(w: World, path: string, post?: Record<string, string>): Req {
  return post
    ? {
        method: "POST",
        path,
        headers: { Cookie: w.a.ownerCookie, "Content-Type": "application/x-www-form-urlencoded" },
        body: form(post),
      }
    : { path, headers: { Cookie: w.a.ownerCookie } };
}

function api(token: string, path: string, body?: unknown): Req {
  return body === undefined
    ? { path, headers: { Authorization: `Bearer ${token}` } }
    : {
        method: "POST",
        path,
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      };
}

const b64hmac = (key: string, body: string) => createHmac("sha256", key).update(body).digest("base64");

const NOT_FOUND_PAGE = /integration_not_found|No integration|not found/i;

const CASES: Case[] = [
  // ── Embedded app pages, Shopify session token of shop A ──────────────────────────────────────────────
  {
    name: "store page of B's Shopify store",
    route: "app.integrations.$id",
    request: async (w) => embedded(await shopToken(w.a.shop), `/app/integrations/${w.b.shopifyId}`),
    status: 404,
    body: NOT_FOUND_PAGE,
  },
  {
    name: "store page of B's WooCommerce store",
    route: "app.integrations.$id",
    request: async (w) => embedded(await shopToken(w.a.shop), `/app/integrations/${w.b.wooId}`),
    status: 404,
    body: NOT_FOUND_PAGE,
  },
  {
    name: "Sync now on B's store",
    route: "app.integrations.$id",
    request: async (w) =>
      embedded(await shopToken(w.a.shop), `/app/integrations/${w.b.shopifyId}`, {
        intent: "sync",
        kind: "full",
      }),
    status: 404,
    body: NOT_FOUND_PAGE,
  },
  {
    name: "automatic syncs of B's store turned off",
    route: "app.integrations.$id",
    request: async (w) =>
      embedded(await shopToken(w.a.shop), `/app/integrations/${w.b.shopifyId}`, {
        intent: "schedule",
        interval: "0",
        window: "off",
      }),
    status: 404,
    body: NOT_FOUND_PAGE,
  },
  {
    name: "Disconnect (delete data) of B's store",
    route: "app.integrations.$id",
    request: async (w) =>
      embedded(await shopToken(w.a.shop), `/app/integrations/${w.b.wooId}`, {
        intent: "disconnect",
        keepData: "false",
      }),
    status: 404,
    body: NOT_FOUND_PAGE,
  },
  {
    name: "live progress of B's store",
    route: "app.integrations.$id.progress",
    request: async (w) => embedded(await shopToken(w.a.shop), `/app/integrations/${w.b.shopifyId}/progress`),
    status: 404,
    body: NOT_FOUND_PAGE,
  },
  {
    name: "orders filtered by B's store",
    route: "app.orders",
    request: async (w) => embedded(await shopToken(w.a.shop), `/app/orders?store=${w.b.shopifyId}`),
    status: 200,
  },
  {
    name: "products filtered by B's store",
    route: "app.products",
    request: async (w) => embedded(await shopToken(w.a.shop), `/app/products?store=${w.b.shopifyId}`),
    status: 200,
  },
  {
    name: "products searched for B's catalogue",
    route: "app.products",
    request: async (w) => embedded(await shopToken(w.a.shop), `/app/products?q=victim`),
    status: 200,
    body: /No product matches/,
  },
  {
    name: "contacts searched for B's customers",
    route: "app.contacts",
    request: async (w) => embedded(await shopToken(w.a.shop), `/app/contacts?q=victim`),
    status: 200,
  },
  {
    name: "overview",
    route: "app._index",
    request: async (w) => embedded(await shopToken(w.a.shop), `/app`),
    status: 200,
  },
  {
    name: "API tokens page",
    route: "app.settings",
    request: async (w) => embedded(await shopToken(w.a.shop), `/app/settings`),
    status: 200,
  },
  {
    name: "revoke B's API token",
    route: "app.settings",
    request: async (w) =>
      embedded(await shopToken(w.a.shop), `/app/settings`, { intent: "revoke", tokenId: w.b.tokenId }),
    status: 404,
    body: /does not exist/,
  },

  // ── Customer admin block ─────────────────────────────────────────────────────────────────────────────
  {
    name: "customer block: shop A's session token asking for shop B's customer",
    route: "extensions.customer-profile",
    request: async (w) => ({
      path: `/extensions/customer-profile?customerId=${VICTIM_CUSTOMER}`,
      headers: { Authorization: `Bearer ${await shopToken(w.a.shop)}` },
    }),
    status: 200,
    body: /"found":false/,
  },
  {
    name: "customer block: shop B's customer by GID",
    route: "extensions.customer-profile",
    request: async (w) => ({
      path: `/extensions/customer-profile?customerId=${encodeURIComponent(`gid://shopify/Customer/${VICTIM_CUSTOMER}`)}`,
      headers: { Authorization: `Bearer ${await shopToken(w.a.shop)}` },
    }),
    status: 200,
    body: /"found":false/,
  },

  // ── Integrations API: A's API token, and A's session token ───────────────────────────────────────────
  {
    name: "API list",
    route: "api.integrations._index",
    request: (w) => api(w.a.apiToken, "/api/integrations"),
    status: 200,
    body: /Acme Shopify/,
  },
  {
    name: "API sync of B's store",
    route: "api.integrations.$id.sync",
    request: (w) => api(w.a.apiToken, `/api/integrations/${w.b.shopifyId}/sync`, { kind: "full" }),
    status: 404,
    body: /not_found/,
  },
  {
    name: "API sync history of B's store",
    route: "api.integrations.$id.sync-history",
    request: (w) => api(w.a.apiToken, `/api/integrations/${w.b.wooId}/sync-history`),
    status: 404,
    body: /not_found/,
  },
  {
    name: "API sync history of B's store with shop A's session token",
    route: "api.integrations.$id.sync-history",
    request: async (w) => api(await shopToken(w.a.shop), `/api/integrations/${w.b.shopifyId}/sync-history`),
    status: 404,
    body: /not_found/,
  },
  {
    name: "API schedule of B's store",
    route: "api.integrations.$id.schedule",
    request: (w) => api(w.a.apiToken, `/api/integrations/${w.b.shopifyId}/schedule`),
    status: 404,
    body: /not_found/,
  },
  {
    name: "API schedule change of B's store",
    route: "api.integrations.$id.schedule",
    request: (w) =>
      api(w.a.apiToken, `/api/integrations/${w.b.wooId}/schedule`, { reconcileIntervalMinutes: 0 }),
    status: 404,
    body: /not_found/,
  },
  {
    name: "API disconnect of B's store",
    route: "api.integrations.$id.disconnect",
    request: (w) => api(w.a.apiToken, `/api/integrations/${w.b.wooId}/disconnect`, { keepData: false }),
    status: 404,
    body: /not_found/,
  },

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

/** A's own resources through the same credentials: 200 and A's data (the refusals above are not auth failures). */
const CONTROLS: Case[] = [
  {
    name: "store page of A's store",
    route: "app.integrations.$id",
    request: async (w) => embedded(await shopToken(w.a.shop), `/app/integrations/${w.a.shopifyId}`),
    status: 200,
    body: /Acme Shopify/,
  },
  {
    name: "live progress of A's store",
    route: "app.integrations.$id.progress",
    request: async (w) => embedded(await shopToken(w.a.shop), `/app/integrations/${w.a.shopifyId}/progress`),
    status: 200,
    body: /"status"/,
  },
  {
    name: "orders filtered by A's store",
    route: "app.orders",
    request: async (w) => embedded(await shopToken(w.a.shop), `/app/orders?store=${w.a.shopifyId}`),
    status: 200,
    body: /customer0@example\.com/i,
  },
  {
    name: "products of A",
    route: "app.products",
    request: async (w) => embedded(await shopToken(w.a.shop), `/app/products?store=${w.a.shopifyId}`),
    status: 200,
    body: /Product 0/,
  },
  {
    name: "contacts of A",
    route: "app.contacts",
    request: async (w) => embedded(await shopToken(w.a.shop), `/app/contacts?q=customer1`),
    status: 200,
    body: /customer1@example\.com/i,
  },
  {
    name: "customer block: shop B asking for its own customer",
    route: "extensions.customer-profile",
    request: async (w) => ({
      path: `/extensions/customer-profile?customerId=${VICTIM_CUSTOMER}`,
      headers: { Authorization: `Bearer ${await shopToken(w.b.shop)}` },
    }),
    status: 200,
    body: /"found":true.*victim0@victim-org\.example/,
  },
  {
    name: "API sync history of A's store",
    route: "api.integrations.$id.sync-history",
    request: (w) => api(w.a.apiToken, `/api/integrations/${w.a.wooId}/sync-history`),
    status: 200,
    body: /"runs"/,
  },
  {
    name: "API schedule of A's store",
    route: "api.integrations.$id.schedule",
    request: (w) => api(w.a.apiToken, `/api/integrations/${w.a.wooId}/schedule`),
    status: 200,
    body: /"reconcileIntervalMinutes"/,
  },
  {
    name: "owner page of A's WooCommerce store",
    route: "woocommerce.stores.$integrationId",
    request: (w) => owner(w, `/woocommerce/stores/${w.a.wooId}`),
    status: 200,
    body: /Acme Woo/,
  },
  {
    name: "owner progress of A's store",
    route: "woocommerce.stores.$integrationId.progress",
    request: (w) => owner(w, `/woocommerce/stores/${w.a.wooId}/progress`),
    status: 200,
    body: /"status"/,
  },
];

/** The route ids of app/routes (flat files and folder routes), as Remix names them. */
function routeIds(): string[] {
  return readdirSync(resolve("app/routes"), { withFileTypes: true })
    .map((e) => (e.isDirectory() ? e.name : e.name.replace(/\.(tsx|ts|jsx|js)$/, "")))
    .sort();
}

const BROWSER_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

async function send(app: HttpApp, r: Req): Promise<{ status: number; text: string }> {
  const res = await fetch(`${app.url}${r.path}`, {
    method: r.method ?? "GET",
    // A browser's user agent: shopify-app-remix answers 410 to what looks like a bot (Node's fetch does).
    headers: { Origin: app.url, "User-Agent": BROWSER_UA, ...r.headers },
    body: r.body,
    redirect: "manual",
  });
  return { status: res.status, text: await res.text() };
}

describe.each(DATABASE_KINDS)("organization isolation over HTTP (%s)", (kind) => {
  let t: TestDatabase;
  let app: HttpApp;
  let w: World;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    app = await startHttpApp(t);
    const keyring = keyringFrom(HTTP_APP.encryptionKey);
    const m = await seedMerchant(t.db);
    const aShop = (await t.db.integration.findUniqueOrThrow({ where: { id: m.shopifyId } })).storeKey;

    // Organization B: the victim, with distinctive data.
    const b = await seedOrganization(t.db, ["shopify", "woocommerce"]);
    const [bShopifyId, bWooId] = b.integrationIds;
    const bShop = `victim-${b.organizationId.slice(0, 8)}.myshopify.com`;
    await t.db.organization.update({ where: { id: b.organizationId }, data: { name: "Victim Org" } });
    await t.db.integration.update({
      where: { id: bShopifyId },
      data: { name: "Victim Shopify", storeKey: bShop },
    });
    await t.db.integration.update({
      where: { id: bWooId },
      data: { name: "Victim Woo", storeKey: `https://victim-${b.organizationId}.example` },
    });
    const victimCustomer = {
      id: VICTIM_CUSTOMER,
      email: "victim0@victim-org.example",
      first_name: "Vera",
      last_name: "Victimova",
      updated_at: "2026-01-01T00:00:00Z",
    };
    for (const integrationId of [bShopifyId, bWooId]) {
      await runSync(t.db, {
        integrationId,
        kind: "full",
        triggeredBy: "test",
        source: createMemorySource({
          customers: [victimCustomer],
          orders: [
            {
              ...syntheticOrder(1),
              customer_id: VICTIM_CUSTOMER,
              email: victimCustomer.email,
              currency: "CHF",
              total: "77.70",
            },
          ],
          products: [{ ...syntheticProduct(1), title: "Victim Widget" }],
        }),
      });
    }
    const bToken = await createApiToken(t.db, {
      organizationId: b.organizationId,
      name: "Victim desk",
      createdBy: "test",
    });
    const bOwner = await createOwnerSession(t.db, {
      organizationId: b.organizationId,
      integrationId: bWooId,
    });
    const attemptId = randomBytes(24).toString("base64url");
    await t.db.wooConnectAttempt.create({
      data: {
        id: attemptId,
        browserHash: "f".repeat(64),
        storeUrl: `https://victim-${b.organizationId}.example`,
        organizationId: b.organizationId,
        status: "keys_received",
        createdAt: new Date(),
        expiresAt: new Date(Date.now() + 600_000),
      },
    });

    // A's credentials.
    const aToken = await createApiToken(t.db, {
      organizationId: m.organizationId,
      name: "Desk",
      createdBy: "test",
    });
    const wooSecret = `whsec_${randomBytes(16).toString("hex")}`;
    await t.db.integration.update({
      where: { id: m.wooId },
      data: { webhookSecret: sealWebhookSecret(keyring, m.wooId, wooSecret) },
    });
    await t.db.integration.update({
      where: { id: bWooId },
      data: { webhookSecret: sealWebhookSecret(keyring, bWooId, `whsec_${randomBytes(16).toString("hex")}`) },
    });
    const storage = new EncryptedSessionStorage(t.db, keyring);
    for (const shop of [aShop, bShop]) {
      const session = new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false });
      session.accessToken = `shpat_${randomBytes(16).toString("hex")}`;
      session.scope = "read_customers,read_orders,read_products";
      await storage.storeSession(session);
    }
    const cookies = wooCookies(keyring, app.url);
    const ownerToken = await createOwnerSession(t.db, {
      organizationId: m.organizationId,
      integrationId: m.wooId,
    });
    const ownerCookie = (await cookies.session.serialize(ownerToken)).split(";")[0];
    const approvalCookie = (await cookies.approval.serialize(randomBytes(16).toString("base64url"))).split(
      ";",
    )[0];

    const bAll = [
      b.organizationId,
      bShopifyId,
      bWooId,
      bShop,
      `victim-${b.organizationId}.example`,
      "Victim Shopify",
      "Victim Woo",
      "Victim Org",
      "victim0@victim-org.example",
      "Victimova",
      "Victim desk",
      bToken.id,
      "77.70",
      "Victim Widget",
    ];
    w = {
      a: {
        organizationId: m.organizationId,
        shopifyId: m.shopifyId,
        wooId: m.wooId,
        shop: aShop,
        apiToken: aToken.token,
        ownerCookie,
        wooSecret,
        approvalCookie,
      },
      b: {
        organizationId: b.organizationId,
        shopifyId: bShopifyId,
        wooId: bWooId,
        shop: bShop,
        tokenId: bToken.id,
        ownerSessionToken: bOwner,
        attemptId,
        markers: bAll,
      },
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

  it("considers every route: each one is exercised below or listed with why it takes no foreign id", () => {
    const exercised = new Set(CASES.map((c) => c.route));
    const ids = routeIds();
    expect(ids.length).toBeGreaterThan(30);
    const unconsidered = ids.filter((id) => !exercised.has(id) && !(id in NO_FOREIGN_ID));
    expect(unconsidered, "routes neither exercised nor listed in NO_FOREIGN_ID").toEqual([]);
    // A route with a parameter (other than a splat) names something: it must be exercised, not excused.
    const paramsNotExercised = ids.filter((id) => /\$[A-Za-z]/.test(id) && !exercised.has(id));
    expect(paramsNotExercised.filter((id) => !TOKEN_IS_CREDENTIAL.includes(id))).toEqual([]);
    // No stale entries.
    expect(Object.keys(NO_FOREIGN_ID).filter((id) => !ids.includes(id))).toEqual([]);
  });

  it.each(CONTROLS.map((k) => [k.name, k] as const))("control: %s", async (_name, k) => {
    const r = await send(app, await k.request(w));
    expect({ status: r.status, text: r.text.slice(0, 300) }).toMatchObject({ status: k.status });
    if (k.body) expect(r.text).toMatch(k.body);
  });

  it.each(CASES.map((k) => [k.name, k] as const))("%s", async (_name, k) => {
    const before = await snapshotDatabase(t.db);
    const req = await k.request(w);
    const r = await send(app, req);
    expect({ status: r.status, text: r.text.slice(0, 300) }).toMatchObject({ status: k.status });
    if (k.body) expect(r.text).toMatch(k.body);
    const sent = `${req.path} ${JSON.stringify(req.headers ?? {})} ${req.body ?? ""}`;
    const leaked = w.b.markers.filter((marker) => !sent.includes(marker) && r.text.includes(marker));
    expect(leaked, "organization B's data in the body").toEqual([]);
    await new Promise((done) => setTimeout(done, 50));
    const after = await snapshotDatabase(t.db);
    for (const table of Object.keys(before)) {
      if (k.mayChange?.tables.includes(table)) continue;
      expect(after[table], `table ${table} changed`).toEqual(before[table]);
    }
    await k.verify?.(w, t);
  });

  it("leaves B's owner session alive when A signs out", async () => {
    const r = await send(app, { ...owner(w, "/woocommerce/sign-out", {}) });
    expect(r.status).toBe(302);
    const sessions = await t.db.wooOwnerSession.findMany({ select: { organizationId: true } });
    expect(sessions.map((s) => s.organizationId)).toEqual([w.b.organizationId]);
  });

  it("logged no credential of either organization", () => {
    expect(app.lines.length).toBeGreaterThan(CASES.length);
    expect(
      findSecrets(app.lines, {
        "A API token": w.a.apiToken,
        "A owner cookie": w.a.ownerCookie.split("=")[1],
        "B owner session": w.b.ownerSessionToken,
        "A woo webhook secret": w.a.wooSecret,
        SHOPIFY_API_SECRET: HTTP_APP.apiSecret,
        ENCRYPTION_KEY: HTTP_APP.encryptionKey,
      }),
    ).toEqual([]);
  });
});
