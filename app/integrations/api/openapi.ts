/**
 * The integrations API's OpenAPI 3 document, generated from the zod schemas the routes validate with
 * (`@asteasolutions/zod-to-openapi`). Served at GET /api/openapi.json; a test checks every route is documented and
 * every documented route exists. `API_OPERATIONS` is the one list of what the API offers.
 */
import { OpenAPIRegistry, OpenApiGeneratorV3, extendZodWithOpenApi } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import * as s from "./schemas";

// The generator reads metadata through `.openapi()`, which this adds to zod's prototypes (idempotent; the routes'
// validation is unaffected).
extendZodWithOpenApi(z);

export interface ApiOperation {
  method: "get" | "post";
  /** OpenAPI path template, e.g. "/api/integrations/{id}/sync". */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  /** Public: no bearer token (a browser redirect signed by Shopify). */
  public?: boolean;
  params?: z.AnyZodObject;
  query?: z.AnyZodObject;
  body?: z.ZodTypeAny;
  success: { status: number; description: string; schema: z.ZodTypeAny };
  /** Extra error statuses beyond 400/401/500. */
  errors?: number[];
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  302: "Redirect to the app once the store is connected",
  400: "Invalid input: `error.field` names the bad field",
  401: "Missing, unknown or revoked token",
  404: "No such integration in your organization",
  405: "Method not allowed",
  409: "The integration is disconnected, or the store belongs to another organization",
  413: "Request body too large",
  415: "Body is not JSON",
  422: "The store refused the connection (wrong keys, not WooCommerce, …)",
  429:
    "Too many connect attempts from this address or for this organization (`rate_limited`): the store was not " +
    "asked; the `Retry-After` header says in how many seconds to try again",
  500: "Unexpected error",
  503:
    "The connect attempt could not be counted against the limits (the database is not answering) and was refused " +
    "(`connect_limit_unavailable`): the store was not asked; try again after the `Retry-After` seconds",
};

export const API_OPERATIONS: ApiOperation[] = [
  {
    method: "get",
    path: "/api/openapi.json",
    operationId: "openapi",
    summary: "This document",
    public: true,
    success: { status: 200, description: "OpenAPI 3.0 document", schema: z.object({}).passthrough() },
  },
  {
    method: "get",
    path: "/api/integrations",
    operationId: "list",
    summary: "List the organization's connected stores",
    success: { status: 200, description: "Every integration, oldest first", schema: s.integrationList },
  },
  {
    method: "post",
    path: "/api/integrations/shopify/connect",
    operationId: "shopifyConnect",
    summary: "Start connecting a Shopify shop: the consent URL to send the merchant to",
    description:
      "Open `authUrl` in the merchant's browser. After approval Shopify redirects to " +
      "/api/integrations/shopify/callback, which connects the shop to your organization and runs its first sync.",
    body: s.shopifyConnectBody,
    success: { status: 200, description: "Shopify's consent URL", schema: s.shopifyConnectResult },
    errors: [413, 415],
  },
  {
    method: "get",
    path: "/api/integrations/shopify/callback",
    operationId: "shopifyCallback",
    summary: "Shopify's redirect after the merchant approved (browser, not called directly)",
    description:
      "Verified by Shopify's HMAC and the single-use state made by shopifyConnect (a replayed callback is " +
      "refused). Redirects to the app inside the shop's admin.",
    public: true,
    query: s.shopifyCallbackQuery,
    success: {
      status: 302,
      description: "Connected: redirect to the app in the admin",
      schema: z.object({}),
    },
    errors: [401, 409],
  },
  {
    method: "post",
    path: "/api/integrations/woocommerce/connect",
    operationId: "woocommerceConnect",
    summary: "Connect a WooCommerce store with a REST API key (Read/Write)",
    description:
      "Tests the key against the store, registers webhooks and queues the first full sync. 201 for a new store, " +
      "200 when it was connected already (the key is replaced). Attempts are limited per client address and per " +
      "organization (429).",
    body: s.woocommerceConnectBody,
    success: { status: 201, description: "Connected", schema: s.woocommerceConnectResult },
    errors: [409, 413, 415, 422, 429, 503],
  },
  {
    method: "post",
    path: "/api/integrations/{id}/sync",
    operationId: "sync",
    summary: "Queue a full or incremental sync",
    description: "Runs in the background; follow it with sync-history (the newest run has `active: true`).",
    params: s.integrationIdParam,
    // The schema refuses a resource listed twice (a refinement, which the generator cannot see): say so here.
    body: s.syncBody.extend({ resources: s.syncBody.shape.resources.openapi({ uniqueItems: true }) }),
    success: { status: 202, description: "Sync queued", schema: s.syncAccepted },
    errors: [404, 409, 413, 415],
  },
  {
    method: "post",
    path: "/api/integrations/{id}/disconnect",
    operationId: "disconnect",
    summary: "Disconnect a store, keeping or deleting its synced data",
    params: s.integrationIdParam,
    body: s.disconnectBody,
    success: { status: 200, description: "Disconnected", schema: s.disconnectResult },
    errors: [404, 413, 415],
  },
  {
    method: "get",
    path: "/api/integrations/{id}/schedule",
    operationId: "schedule",
    summary: "The store's automatic syncs: scheduled checks for missed changes and the nightly full re-sync",
    params: s.integrationIdParam,
    success: { status: 200, description: "The schedule in force", schema: s.syncSchedule },
    errors: [404],
  },
  {
    method: "post",
    path: "/api/integrations/{id}/schedule",
    operationId: "setSchedule",
    summary: "Change the store's automatic syncs (what is not sent stays as it is)",
    description:
      "Each value is the store's own choice, or \"default\" to follow the deployment's setting. The change is " +
      "recorded in the organization's audit log.",
    params: s.integrationIdParam,
    body: s.scheduleBody,
    success: { status: 200, description: "The schedule now in force", schema: s.syncSchedule },
    errors: [404, 409, 413, 415],
  },
  {
    method: "get",
    path: "/api/integrations/{id}/sync-history",
    operationId: "syncHistory",
    summary: "The store's sync runs, newest first, with per-resource counts and errors",
    params: s.integrationIdParam,
    query: s.syncHistoryQuery,
    success: { status: 200, description: "One page of runs", schema: s.syncHistoryPage },
    errors: [404],
  },
];

/** Builds the OpenAPI 3.0 document for `serverUrl`. */
export function openApiDocument(serverUrl: string) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "An organization API token (Settings → API tokens) or a Shopify session token.",
  });
  const errorSchema = s.apiError;
  for (const op of API_OPERATIONS) {
    const errorStatuses = [...new Set([...(op.public ? [400] : [400, 401]), ...(op.errors ?? []), 500])];
    registry.registerPath({
      method: op.method,
      path: op.path,
      operationId: op.operationId,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      ...(op.public ? { security: [] } : { security: [{ bearer: [] }] }),
      request: {
        ...(op.params ? { params: op.params } : {}),
        ...(op.query ? { query: op.query } : {}),
        ...(op.body
          ? { body: { required: false, content: { "application/json": { schema: op.body } } } }
          : {}),
      },
      responses: {
        [op.success.status]: {
          description: op.success.description,
          ...(op.success.status === 302
            ? {}
            : { content: { "application/json": { schema: op.success.schema } } }),
        },
        ...Object.fromEntries(
          errorStatuses.map((status) => [
            status,
            {
              description: ERROR_DESCRIPTIONS[status],
              ...(status === 429 || status === 503
                ? {
                    headers: {
                      "Retry-After": {
                        description: "Seconds until the next attempt is allowed",
                        schema: { type: "integer" as const },
                      },
                    },
                  }
                : {}),
              content: { "application/json": { schema: errorSchema } },
            },
          ]),
        ),
      },
    });
  }
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: "3.0.3",
    info: {
      title: "Commerce Sync integrations API",
      version: "1.0.0",
      description:
        "Connect stores, trigger syncs and read their history. Authenticate with `Authorization: Bearer <token>`.",
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
  });
}
