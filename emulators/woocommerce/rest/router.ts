/** REST v3 routing: which handler answers `/wp-json/wc/v3/<route>` for a method. */
import type { WooEmulatorContext } from "../context";
import { noRoute } from "../errors";
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

/** Routes one authenticated (or anonymous) request; throws RestError for every error answer. */
export async function dispatchRest(ctx: WooEmulatorContext, req: RestRequest): Promise<RestResult> {
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
