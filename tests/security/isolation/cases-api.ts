/** Isolation cases of the integrations API: A's API token, and A's session token. */
import { api, shopToken, type Case } from "./world";

export const API_CASES: Case[] = [
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
];
