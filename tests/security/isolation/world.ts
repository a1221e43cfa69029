/**
 * The world the organization isolation test (tests/security/isolation.test.ts) runs in: organizations A and B, the
 * requests A's credentials make, and how they are sent to the app over HTTP.
 */
import { createHmac, randomBytes } from "node:crypto";
import { Session } from "@shopify/shopify-api";
import { keyringFrom } from "../../../app/crypto/encryption.server";
import { sealWebhookSecret } from "../../../app/crypto/integration-secrets.server";
import { createApiToken } from "../../../app/integrations/api-tokens.server";
import { createOwnerSession, wooCookies } from "../../../app/integrations/woocommerce-session.server";
import { seedMerchant } from "../../../app/integrations/testing/merchant";
import { EncryptedSessionStorage } from "../../../app/platforms/shopify/session-storage.server";
import { runSync } from "../../../app/sync/engine.server";
import { seedOrganization } from "../../../app/sync/testing/fixtures";
import {
  createMemorySource,
  syntheticOrder,
  syntheticProduct,
} from "../../../app/sync/testing/memory-source";
import { sessionToken } from "../../integration/routes-harness";
import type { TestDatabase } from "../../setup/db";
import { HTTP_APP, type HttpApp } from "../http-app";

/** Numeric, over 2^53: B's Shopify customer as the admin block names it. */
export const VICTIM_CUSTOMER = "9007199254740993";

export interface World {
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

export interface Req {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface Case {
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

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

export function embedded(token: string, path: string, post?: Record<string, string>): Req {
  return post
    ? {
        method: "POST",
        path,
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/x-www-form-urlencoded" },
        body: form(post),
      }
    : { path, headers: { Authorization: `Bearer ${token}` } };
}

export const shopToken = (shop: string) =>
  sessionToken(shop, { audience: HTTP_APP.apiKey, secret: HTTP_APP.apiSecret });

export function owner(w: World, path: string, post?: Record<string, string>): Req {
  return post
    ? {
        method: "POST",
        path,
        headers: { Cookie: w.a.ownerCookie, "Content-Type": "application/x-www-form-urlencoded" },
        body: form(post),
      }
    : { path, headers: { Cookie: w.a.ownerCookie } };
}

export function api(token: string, path: string, body?: unknown): Req {
  return body === undefined
    ? { path, headers: { Authorization: `Bearer ${token}` } }
    : {
        method: "POST",
        path,
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      };
}

export const b64hmac = (key: string, body: string) => createHmac("sha256", key).update(body).digest("base64");

export const NOT_FOUND_PAGE = /integration_not_found|No integration|not found/i;

const BROWSER_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

export async function send(app: HttpApp, r: Req): Promise<{ status: number; text: string }> {
  const res = await fetch(`${app.url}${r.path}`, {
    method: r.method ?? "GET",
    // A browser's user agent: shopify-app-remix answers 410 to what looks like a bot (Node's fetch does).
    headers: { Origin: app.url, "User-Agent": BROWSER_UA, ...r.headers },
    body: r.body,
    redirect: "manual",
  });
  return { status: res.status, text: await res.text() };
}

/** Seeds organization A (every credential a caller can hold) and organization B (the victim) behind `app`. */
export async function seedWorld(t: TestDatabase, app: HttpApp): Promise<World> {
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
  return {
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
}
