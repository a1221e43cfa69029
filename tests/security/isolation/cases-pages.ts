/** Isolation cases of the embedded app pages (A's Shopify session token) and the customer admin block. */
import { embedded, NOT_FOUND_PAGE, shopToken, VICTIM_CUSTOMER, type Case } from "./world";

export const PAGE_CASES: Case[] = [
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
];
