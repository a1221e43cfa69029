/**
 * Every topic the app receives, on Shopify's own documented bodies of both captured payload versions (2025-04 and
 * 2026-04; see mapping/fixtures/SOURCE.md): the record id the intake stores and the decision processing takes.
 * Numeric ids above 2^53 in these samples were rounded by the scraper, so ids are asserted from
 * `admin_graphql_api_id` (exact); the compliance bodies' ids are small and exact.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { PlatformContext, StoredWebhookEvent, WebhookDecision } from "../../sync/platform";
import type { ShopifyGraphqlClient } from "./client.server";
import { ShopifyAuthError, ShopifyNotInstalledError, ShopifyTimeoutError } from "./errors";
import { carriesEveryVariant } from "./mapping/products";
import type { ShopifyRestProduct, ShopifyRestVariant } from "./mapping/types";
import { decideWebhook, webhookResourceId, type WebhookDeps } from "./webhooks.server";

const reference2026 = (name: string) =>
  readFileSync(
    new URL(`../../../emulators/shopify/webhooks/reference-2026-04/${name}`, import.meta.url),
    "utf8",
  );
const fixture = (name: string) =>
  readFileSync(new URL(`./mapping/fixtures/${name}`, import.meta.url), "utf8");

/**
 * The bodies per version. Identical in both captures (and so read once): products, app/uninstalled and the
 * three compliance topics. customers/update equals customers/create, and orders/create, orders/updated and
 * orders/fulfilled are one sample, in each version.
 */
const BODIES: Record<"2025-04" | "2026-04", Record<string, string>> = {
  "2025-04": {
    customer: fixture("customers-create-2025-04.json"),
    order: fixture("orders-updated-2025-04.json"),
    product: fixture("products-update-2025-04.json"),
  },
  "2026-04": {
    customer: reference2026("customers-create.json"),
    order: reference2026("orders-create.json"),
    product: reference2026("products-create.json"),
  },
};
const SHARED = {
  uninstalled: reference2026("app-uninstalled.json"),
  customersRedact: reference2026("customers-redact.json"),
  dataRequest: reference2026("customers-data_request.json"),
  shopRedact: reference2026("shop-redact.json"),
};

const SHOP = "demo.myshopify.com";

function event(topic: string, payload: string): StoredWebhookEvent {
  return {
    id: "ev1",
    integrationId: "int1",
    platform: "shopify",
    topic,
    dedupeKey: `shopify:${SHOP}:event:1`,
    storeKey: SHOP,
    resourceId: webhookResourceId(topic, JSON.parse(payload)),
    payload,
    receivedAt: new Date("2026-12-01T00:00:00Z"),
  };
}

/**
 * Deps over a stub client and an in-memory session table (id → sealed token); `access` is what Shopify answers a call
 * with the stored token ("ok" or an error), and `during` runs inside that call (a reinstall racing the check).
 */
function harness(access: "ok" | Error = "ok", during?: (sessions: Map<string, string>) => void) {
  const graphqlReads: unknown[] = [];
  const removedSessions: string[] = [];
  const sessions = new Map([
    [`offline_${SHOP}`, "sealed-offline"],
    [`${SHOP}_42`, "sealed-online"],
  ]);
  const client = {
    request: async (operation: string, _query: string, variables: { id?: string }) => {
      graphqlReads.push(variables.id ?? operation);
      during?.(sessions);
      if (access !== "ok") throw access;
      return { customer: null, product: null, shop: { id: "gid://shopify/Shop/1" } };
    },
  } as unknown as ShopifyGraphqlClient;
  const deps: WebhookDeps = {
    clientFor: () => client,
    shopCurrency: async () => "USD",
    readSessions: async () => [...sessions].map(([id, accessToken]) => ({ id, accessToken })),
    removeSessions: async (_db, _shop, read) => {
      for (const { id, accessToken } of read) {
        if (sessions.get(id) !== accessToken) continue;
        sessions.delete(id);
        removedSessions.push(id);
      }
      return sessions.size;
    },
    countSessions: async () => sessions.size,
  };
  const ctx = {
    db: {},
    integration: { id: "int1", storeKey: SHOP, status: "connected", platform: "shopify" },
  } as unknown as PlatformContext;
  return { deps, ctx, graphqlReads, removedSessions, sessions };
}

type Apply = Extract<WebhookDecision, { action: "apply" }>;

describe.each(["2025-04", "2026-04"] as const)("Shopify webhook bodies of API %s", (version) => {
  const bodies = BODIES[version];

  it.each(["customers/create", "customers/update"])(
    "GIVEN a %s body (no tags or consent since 2025-01) WHEN decided THEN the customer is read through GraphQL by its exact GID",
    async (topic) => {
      const h = harness();
      const e = event(topic, bodies.customer);
      expect(e.resourceId).toBe("gid://shopify/Customer/706405506930370084");
      const decision = await decideWebhook(h.deps, e, h.ctx);
      expect(h.graphqlReads).toEqual(["gid://shopify/Customer/706405506930370084"]);
      // Our stub answers that the customer is gone: nothing is taken from the body.
      expect(decision).toEqual({ action: "ignore", reason: "The customer no longer exists in Shopify." });
    },
  );

  it.each(["orders/create", "orders/updated", "orders/fulfilled"])(
    "GIVEN an %s body WHEN decided THEN it maps to the order keyed by its exact GID",
    async (topic) => {
      const h = harness();
      const e = event(topic, bodies.order);
      expect(e.resourceId).toBe("gid://shopify/Order/820982911946154508");
      const decision = (await decideWebhook(h.deps, e, h.ctx)) as Apply;
      expect(decision).toMatchObject({ action: "apply", resource: "orders" });
      const order = decision.map(decision.remote[0] as never) as { externalId: string; items: unknown[] };
      expect(order.externalId).toBe("gid://shopify/Order/820982911946154508");
      expect(order.items).toHaveLength(version === "2025-04" ? 3 : 5);
    },
  );

  it.each(["products/create", "products/update"])(
    "GIVEN a %s body WHEN decided THEN it maps to the product keyed by its exact GID",
    async (topic) => {
      const h = harness();
      const e = event(topic, bodies.product);
      expect(e.resourceId).toBe("gid://shopify/Product/788032119674292922");
      const decision = (await decideWebhook(h.deps, e, h.ctx)) as Apply;
      const product = decision.map(decision.remote[0] as never) as { externalId: string };
      expect(product.externalId).toBe("gid://shopify/Product/788032119674292922");
      // Every variant is in the body (variant_gids lists no more): nothing is read from Shopify.
      expect(h.graphqlReads).toEqual([]);
    },
  );

  it("GIVEN a products/update body listing more variants in variant_gids than it carries WHEN decided THEN the whole product is read through GraphQL", async () => {
    const h = harness();
    const sample = JSON.parse(bodies.product) as { variants: unknown[]; variant_gids: unknown[] };
    const variants = Array.from({ length: 100 }, () => sample.variants[0]);
    const gids = Array.from({ length: 101 }, (_, i) => ({
      admin_graphql_api_id: `gid://shopify/ProductVariant/${i + 1}`,
    }));
    const e = event("products/update", JSON.stringify({ ...sample, variants, variant_gids: gids }));
    const decision = await decideWebhook(h.deps, e, h.ctx);
    expect(h.graphqlReads).toEqual(["gid://shopify/Product/788032119674292922"]);
    // Our stub answers that the product is gone: its first 100 variants are not taken from the body.
    expect(decision).toEqual({ action: "ignore", reason: "The product no longer exists in Shopify." });
  });
});

describe("carriesEveryVariant", () => {
  const variants = (n: number) => Array.from({ length: n }, () => ({}) as ShopifyRestVariant);
  const product = (extra: Partial<ShopifyRestProduct>) => ({ ...extra }) as ShopifyRestProduct;
  it("trusts variant_gids when the body has them", () => {
    expect(
      carriesEveryVariant(
        product({
          variants: variants(2),
          variant_gids: [{ admin_graphql_api_id: "a" }, { admin_graphql_api_id: "b" }],
        }),
      ),
    ).toBe(true);
    expect(
      carriesEveryVariant(
        product({
          variants: variants(100),
          variant_gids: variants(150).map((_, i) => ({ admin_graphql_api_id: `v${i}` })),
        }),
      ),
    ).toBe(false);
  });
  it("without variant_gids, counts a body of 100 variants as possibly cut", () => {
    expect(carriesEveryVariant(product({ variants: variants(99) }))).toBe(true);
    expect(carriesEveryVariant(product({ variants: variants(100) }))).toBe(false);
    expect(carriesEveryVariant(product({}))).toBe(true);
  });
});

describe("Shopify topics with the same body in every captured version", () => {
  it("GIVEN app/uninstalled and Shopify refusing the stored token WHEN decided THEN the shop's sessions go and the store is marked uninstalled", async () => {
    const h = harness(new ShopifyAuthError(SHOP, 401));
    const decision = await decideWebhook(h.deps, event("app/uninstalled", SHARED.uninstalled), h.ctx);
    expect(decision).toMatchObject({ action: "uninstalled" });
    expect(h.graphqlReads).toEqual(["ShopAccess"]);
    expect(h.removedSessions).toEqual([`offline_${SHOP}`, `${SHOP}_42`]);
    // Asked again by the job just before it disconnects: nothing stored since, still uninstalled.
    const { reinstalled } = decision as { reinstalled: () => Promise<string | null> };
    expect(await reinstalled()).toBeNull();
    h.sessions.set(`offline_${SHOP}`, "sealed-new");
    expect(await reinstalled()).toMatch(/reinstalled while this uninstall was processed/);
  });

  it("GIVEN app/uninstalled and no stored token WHEN decided THEN the store is marked uninstalled", async () => {
    const h = harness(new ShopifyNotInstalledError(SHOP));
    h.sessions.clear();
    const decision = await decideWebhook(h.deps, event("app/uninstalled", SHARED.uninstalled), h.ctx);
    expect(decision).toMatchObject({ action: "uninstalled" });
  });

  it("GIVEN app/uninstalled, Shopify refusing the stored token and a reinstall storing a new token meanwhile WHEN decided THEN only the refused sessions go and it is ignored", async () => {
    const h = harness(new ShopifyAuthError(SHOP, 401), (sessions) =>
      sessions.set(`offline_${SHOP}`, "sealed-new"),
    );
    const decision = await decideWebhook(h.deps, event("app/uninstalled", SHARED.uninstalled), h.ctx);
    expect(decision).toEqual({
      action: "ignore",
      reason: expect.stringMatching(/reinstalled while this uninstall was processed/),
    });
    expect(h.removedSessions).toEqual([`${SHOP}_42`]);
    expect(h.sessions.get(`offline_${SHOP}`)).toBe("sealed-new");
  });

  it("GIVEN a late app/uninstalled and Shopify accepting the stored token (reinstalled) WHEN decided THEN it is ignored and the sessions stay", async () => {
    const h = harness();
    const decision = await decideWebhook(h.deps, event("app/uninstalled", SHARED.uninstalled), h.ctx);
    expect(decision).toMatchObject({ action: "ignore", reason: expect.stringMatching(/reinstalled/) });
    expect(h.removedSessions).toEqual([]);
  });

  it("GIVEN app/uninstalled and Shopify unreachable WHEN decided THEN it throws (tried again) without removing sessions", async () => {
    const h = harness(new ShopifyTimeoutError("ShopAccess", 30_000));
    await expect(
      decideWebhook(h.deps, event("app/uninstalled", SHARED.uninstalled), h.ctx),
    ).rejects.toBeInstanceOf(ShopifyTimeoutError);
    expect(h.removedSessions).toEqual([]);
  });

  it("GIVEN customers/redact WHEN decided THEN the customer and each listed order are named by GID", async () => {
    const h = harness();
    expect(await decideWebhook(h.deps, event("customers/redact", SHARED.customersRedact), null)).toEqual({
      action: "compliance",
      request: {
        kind: "customer_redact",
        customerExternalId: "gid://shopify/Customer/191167",
        email: "john@example.com",
        orderExternalIds: [
          "gid://shopify/Order/299938",
          "gid://shopify/Order/280263",
          "gid://shopify/Order/220458",
        ],
      },
    });
  });

  it("GIVEN customers/data_request WHEN decided THEN the request keeps Shopify's request id", async () => {
    const h = harness();
    expect(await decideWebhook(h.deps, event("customers/data_request", SHARED.dataRequest), null)).toEqual({
      action: "compliance",
      request: {
        kind: "customer_data_request",
        customerExternalId: "gid://shopify/Customer/191167",
        email: "john@example.com",
        orderExternalIds: [
          "gid://shopify/Order/299938",
          "gid://shopify/Order/280263",
          "gid://shopify/Order/220458",
        ],
        dataRequestId: "9999",
      },
    });
  });

  it("GIVEN shop/redact (its shop_domain is Shopify's {shop} placeholder) WHEN decided THEN the shop is redacted", async () => {
    const h = harness();
    expect(await decideWebhook(h.deps, event("shop/redact", SHARED.shopRedact), null)).toEqual({
      action: "compliance",
      request: { kind: "shop_redact" },
    });
  });

  it("GIVEN a delete body carrying only an id above 2^53 WHEN stored and decided THEN the GID is exact", async () => {
    const h = harness();
    const payload = '{"id":820982911946154508}';
    const e = event("orders/delete", payload);
    // The intake parses such bodies losslessly before naming the record; JSON.parse here would round it.
    expect(webhookResourceId("orders/delete", { id: "820982911946154508" })).toBe(
      "gid://shopify/Order/820982911946154508",
    );
    expect(await decideWebhook(h.deps, e, h.ctx)).toEqual({
      action: "delete",
      resource: "orders",
      externalIds: ["gid://shopify/Order/820982911946154508"],
    });
  });
});
