import { api, embedded, owner, shopToken, VICTIM_CUSTOMER, type Case } from "./world";

/** A's own resources through the same credentials: 200 and A's data (the refusals of cases-*.ts are not auth failures). */
export const CONTROLS: Case[] = [
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
