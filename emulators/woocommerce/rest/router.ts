/** REST v3 routing: which handler answers `/wp-json/wc/v3/<route>` for a method. */
import type { WooEmulatorContext } from "../context";
import { RestError, noRoute } from "../errors";
import { customersResource } from "./customers";
import { ordersResource, refundsRoute } from "./orders";
import { productsResource, variationsResource } from "./products";
import { requireUser, type RestRequest, type RestResult } from "./request";
import { batchRoute, collectionRoute, itemRoute, type RestResource } from "./resource";
import { systemStatus } from "./system-status";
import { webhooksResource } from "./webhooks";

const RESOURCES: Record<string, RestResource> = {
  customers: customersResource,
  orders: ordersResource,
  products: productsResource,
  webhooks: webhooksResource,
};

/** The methods each REST v3 route registers, as WordPress's `Allow` header lists them. */
const ROUTE_METHODS: Array<[RegExp, string]> = [
  [/^\/system_status$/, "GET"],
  [/^\/(customers|orders|products|webhooks)$/, "GET, POST"],
  [/^\/products\/\d+\/variations$/, "GET, POST"],
  [/^\/orders\/\d+\/refunds$/, "GET, POST"],
  [/^\/orders\/\d+\/refunds\/\d+$/, "GET, DELETE"],
  [/^\/(customers|orders|products|webhooks|products\/\d+\/variations)\/batch$/, "POST, PUT, PATCH"],
  [
    /^\/(customers|orders|products|webhooks|products\/\d+\/variations)\/\d+$/,
    "GET, POST, PUT, PATCH, DELETE",
  ],
];

/** The `Allow` of a v3 route (without its `/wc/v3` prefix) for a caller whose permission checks pass. */
export function routeAllow(route: string): string | undefined {
  return ROUTE_METHODS.find(([pattern]) => pattern.test(route))?.[1];
}

/**
 * Routes one authenticated (or anonymous) request; throws RestError for every error answer. WordPress's
 * `rest_send_allow_header` runs on every answer of a matched route, errors too: an authenticated request that fails
 * in the route (an argument, an unknown id, a batch too large) still says which methods the route takes. It stays
 * off for no route, for authentication errors (before dispatch) and for an anonymous caller, whose permission
 * callbacks allow no method.
 */
export async function dispatchRest(ctx: WooEmulatorContext, req: RestRequest): Promise<RestResult> {
  const allow = routeAllow(req.route);
  try {
    const result = await dispatchRoute(ctx, req);
    return allow ? { ...result, headers: { Allow: allow, ...result.headers } } : result;
  } catch (error) {
    if (
      allow &&
      req.key &&
      error instanceof RestError &&
      error.code !== "rest_no_route" &&
      error.status !== 401
    )
      error.headers.Allow = allow;
    throw error;
  }
}

async function dispatchRoute(ctx: WooEmulatorContext, req: RestRequest): Promise<RestResult> {
  const { method, route } = req;
  let m: RegExpExecArray | null;

  if (route === "/system_status" && (method === "GET" || method === "HEAD")) {
    requireUser(req, "list");
    return { status: 200, body: systemStatus(ctx), headers: { Allow: "GET" } };
  }
  if ((m = /^\/(customers|orders|products|webhooks)(?:\/(batch|\d+))?$/.exec(route))) {
    const resource = RESOURCES[m[1]];
    if (m[2] === undefined) return collectionRoute(ctx, resource, req);
    if (m[2] === "batch") return batchRoute(ctx, resource, req);
    return itemRoute(ctx, resource, req, Number(m[2]));
  }
  if ((m = /^\/products\/(\d+)\/variations(?:\/(batch|\d+))?$/.exec(route))) {
    const resource = variationsResource(ctx, Number(m[1]));
    if (m[2] === undefined) return collectionRoute(ctx, resource, req);
    if (m[2] === "batch") return batchRoute(ctx, resource, req);
    return itemRoute(ctx, resource, req, Number(m[2]));
  }
  if ((m = /^\/orders\/(\d+)\/refunds(?:\/(\d+))?$/.exec(route))) {
    if (req.method === "GET" && m[2] === undefined) await ctx.load.listDelay();
    return refundsRoute(ctx, req, Number(m[1]), m[2] === undefined ? null : Number(m[2]));
  }
  throw noRoute();
}
