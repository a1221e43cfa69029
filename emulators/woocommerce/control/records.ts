/**
 * Record mutations through the control API — the same store methods as REST, so hooks and webhooks fire
 * identically — without authentication, and answering with the record as it is afterwards.
 */
import type { WooEmulatorContext } from "../context";
import { ControlError } from "./faults";
import { renderOrder } from "../render/order";
import { renderVariation } from "../render/product";
import { customersResource } from "../rest/customers";
import { ordersResource } from "../rest/orders";
import { productsResource } from "../rest/products";
import { isForce } from "../rest/request";
import type { RestResource } from "../rest/resource";

export interface ControlResult {
  status: number;
  body: unknown;
}

const RESOURCES: Record<string, RestResource> = {
  customers: customersResource,
  orders: ordersResource,
  products: productsResource,
};

/** Handles `/_emulator/{customers|orders|products}[/…]`; undefined when no record route matches. */
export async function controlRecords(
  ctx: WooEmulatorContext,
  method: string,
  route: string,
  body: Record<string, unknown>,
  query: Record<string, string>,
): Promise<ControlResult | undefined> {
  let m: RegExpExecArray | null;
  if ((m = /^\/(customers|orders|products)$/.exec(route)) && method === "POST") {
    return { status: 201, body: await RESOURCES[m[1]].create(ctx, body, 1) };
  }
  if ((m = /^\/(customers|orders|products)\/(\d+)$/.exec(route))) {
    const resource = RESOURCES[m[1]];
    const id = Number(m[2]);
    if (method === "GET") return { status: 200, body: resource.read(ctx, id) };
    if (method === "PUT" || method === "PATCH" || method === "POST")
      return { status: 200, body: resource.update(ctx, id, body) };
    if (method === "DELETE") {
      const force = isForce(query.force ?? body.force);
      const before = resource.remove(ctx, id, force);
      // Unlike REST (which answers with the record as it was), show the trashed record.
      return { status: 200, body: force ? before : resource.read(ctx, id) };
    }
  }
  if ((m = /^\/customers\/(\d+)\/role$/.exec(route)) && method === "POST") {
    const role = body.role;
    if (typeof role !== "string" || !/^[a-z0-9_-]+$/i.test(role))
      throw new ControlError(
        'role must be a role name ("subscriber", "shop_manager", "wholesale_customer"…)',
      );
    const via = body.via ?? "set_role";
    if (via !== "set_role" && via !== "profile_update")
      throw new ControlError('via must be "set_role" or "profile_update"');
    ctx.store.setRole(Number(m[1]), role, via);
    return { status: 200, body: customersResource.read(ctx, Number(m[1])) };
  }
  if ((m = /^\/orders\/(\d+)\/restore$/.exec(route)) && method === "POST") {
    return { status: 200, body: renderOrder(ctx.store.restoreOrder(Number(m[1])), ctx.render) };
  }
  if ((m = /^\/products\/(\d+)\/restore$/.exec(route)) && method === "POST") {
    ctx.store.restoreProduct(Number(m[1]));
    return { status: 200, body: productsResource.read(ctx, Number(m[1])) };
  }
  if ((m = /^\/orders\/(\d+)\/refunds$/.exec(route)) && method === "POST") {
    // An admin's manual refund: no payment gateway involved unless the body asks for api_refund.
    const order = ctx.store.refundOrder(Number(m[1]), body, { apiRefundDefault: false });
    return { status: 201, body: renderOrder(order, ctx.render) };
  }
  if ((m = /^\/products\/(\d+)\/variations$/.exec(route)) && method === "POST") {
    return { status: 201, body: renderVariation(ctx.store.createVariation(Number(m[1]), body), ctx.render) };
  }
  if (
    (m = /^\/products\/(\d+)\/variations\/(\d+)$/.exec(route)) &&
    (method === "PUT" || method === "PATCH")
  ) {
    const variation = ctx.store.updateVariation(Number(m[1]), Number(m[2]), body);
    return { status: 200, body: renderVariation(variation, ctx.render) };
  }
  return undefined;
}
