/** Bad-input cases of the integrations API: tokens, ids, bodies. */
import { api, OTHER_SECRET, pendingToken, sync, type Case } from "./requests";

export const API_CASES: Case[] = [
  // ── Integrations API (tokens, ids, bodies) ────────────────────────────────────────────────────────────
  {
    name: "API without a token",
    request: (c) => api(c, { path: "/api/integrations", token: null }),
    status: 401,
    message: /missing_token/,
  },
  {
    name: "API with a malformed token",
    request: (c) => api(c, { path: "/api/integrations", token: "abc'; DROP TABLE--" }),
    status: 401,
    message: /token/i,
  },
  {
    name: "API with a revoked token",
    request: (c) => api(c, { path: "/api/integrations", token: c.revokedToken }),
    status: 401,
    message: /token/i,
  },
  {
    name: "API with an unknown well-formed token",
    request: (c) => api(c, { path: "/api/integrations", token: `cst_${"A".repeat(43)}` }),
    status: 401,
    message: /token/i,
  },
  {
    name: "API with an expired session token",
    request: async (c) =>
      api(c, { path: "/api/integrations", token: await pendingToken(c, { expiresInS: -120 }) }),
    status: 401,
    message: /token/i,
  },
  {
    name: "API with a session token signed by another app",
    request: async (c) =>
      api(c, { path: "/api/integrations", token: await pendingToken(c, { secret: OTHER_SECRET }) }),
    status: 401,
    message: /token/i,
  },
  {
    name: "API sync with path traversal in the id",
    request: (c) =>
      api(c, { method: "POST", path: "/api/integrations/..%2F..%2Fetc%2Fpasswd/sync", body: "{}" }),
    status: 400,
    message: /invalid_input.*id/s,
  },
  {
    name: "GET on a Shopify compliance webhook",
    request: () => ({ path: "/webhooks/customers/data_request" }),
    status: 405,
    message: /Method Not Allowed/,
  },
  {
    name: "API sync of another organization's integration",
    request: (c) =>
      api(c, { method: "POST", path: `/api/integrations/${c.m.otherIntegrationId}/sync`, body: "{}" }),
    status: 404,
    message: /not_found|No integration/i,
  },
  {
    name: "API sync history of another organization's integration",
    request: (c) => api(c, { path: `/api/integrations/${c.m.otherIntegrationId}/sync-history` }),
    status: 404,
    message: /not_found|No integration/i,
  },
  {
    name: "API disconnect of another organization's integration",
    request: (c) =>
      api(c, {
        method: "POST",
        path: `/api/integrations/${c.m.otherIntegrationId}/disconnect`,
        body: '{"keepData":false}',
      }),
    status: 404,
    message: /not_found|No integration/i,
  },
  {
    name: "API sync with a wrong content type",
    request: (c) => api(c, { method: "POST", path: sync(c), body: "kind=full", contentType: "text/plain" }),
    status: 415,
    message: /application\/json/,
  },
  {
    name: "API sync with malformed JSON",
    request: (c) => api(c, { method: "POST", path: sync(c), body: "{kind: full" }),
    status: 400,
    message: /JSON/,
  },
  {
    name: "API sync with truncated JSON",
    request: (c) => api(c, { method: "POST", path: sync(c), body: '{"kind": "fu' }),
    status: 400,
    message: /JSON/,
  },
  {
    name: "API sync with a body over 16 KB",
    request: (c) =>
      api(c, {
        method: "POST",
        path: sync(c),
        body: JSON.stringify({ kind: "full", pad: "x".repeat(20_000) }),
      }),
    status: 413,
    message: /larger than/,
  },
  {
    name: "API sync with an unknown kind",
    request: (c) => api(c, { method: "POST", path: sync(c), body: '{"kind":"everything"}' }),
    status: 400,
    message: /kind/,
  },
  {
    name: "API sync with unknown resources",
    request: (c) => api(c, { method: "POST", path: sync(c), body: '{"resources":["passwords"]}' }),
    status: 400,
    message: /resources/,
  },
  {
    name: "API disconnect with a non-boolean keepData",
    request: (c) =>
      api(c, {
        method: "POST",
        path: `/api/integrations/${c.m.shopifyId}/disconnect`,
        body: '{"keepData":"no"}',
      }),
    status: 400,
    message: /keepData/,
  },
  {
    name: "customer block with an expired session token",
    request: async (c) => ({
      path: "/extensions/customer-profile?customerId=1",
      headers: { Authorization: `Bearer ${await pendingToken(c, { expiresInS: -120 })}` },
    }),
    status: 401,
    message: /token|session/i,
  },
];
