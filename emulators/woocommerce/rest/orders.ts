/**
 * `/orders` and `/orders/{id}/refunds`. Orders live in the HPOS tables: a page past the end answers 200 `[]` with
 * `X-WP-Total: 0`, and the controller writes its normalised defaults back into the query, so `Link` repeats them.
 */
import type { WooEmulatorContext } from "../context";
import { RestError, noRoute } from "../errors";
import { setQueryEntry } from "../php";
import { renderOrder, renderRefund } from "../render/order";
import { ORDER_STATUSES } from "../store/orders";
import type { EmulatedWooOrder } from "../store/records";
import {
  DATE_ARGS,
  ORDER_ARG,
  PAGING_ARGS,
  dateFilter,
  inIncludeOrder,
  includeExclude,
  paginate,
} from "./list";
import { validateArgs, validateEmailArgs } from "./params";
import { requireUser, type RestRequest, type RestResult } from "./request";
import type { RestResource } from "./resource";

function listOrders(ctx: WooEmulatorContext, req: RestRequest): RestResult {
  const args = validateArgs(
    {
      ...PAGING_ARGS,
      ...DATE_ARGS,
      order: ORDER_ARG,
      orderby: {
        type: "enum",
        values: ["date", "modified", "id", "include", "title", "slug"],
        default: "date",
      },
      parent: { type: "string" },
      status: { type: "enum-array", values: ["any", "trash", ...ORDER_STATUSES], default: ["any"] },
      customer: { type: "integer" },
      product: { type: "integer" },
      dp: { type: "integer", default: 2 },
    },
    req.params,
  );
  const statuses = args.status as string[];
  const anyStatus = statuses.includes("any");
  const search = typeof args.search === "string" ? args.search.toLowerCase() : "";
  const inDates = dateFilter<EmulatedWooOrder>(
    args,
    ctx.render.utcOffsetMinutes,
    (o) => o.createdMs,
    (o) => o.modifiedMs,
  );
  const ids = includeExclude<EmulatedWooOrder>(req.params);
  const orderby = args.orderby as string;
  const list = ctx.lists.filtered("orders", args, () => {
    const matching = ctx.lists
      .sorted("orders", ctx.store.orders, orderby, args.order as "asc" | "desc", (o) =>
        orderby === "modified" ? o.modifiedMs : orderby === "date" ? o.createdMs : o.id,
      )
      .filter(
        (o) =>
          (anyStatus ? o.status !== "trash" && o.status !== "checkout-draft" : statuses.includes(o.status)) &&
          (args.customer === undefined || o.customerId === args.customer) &&
          (args.product === undefined || o.lineItems.some((li) => li.productId === args.product)) &&
          inDates(o) &&
          ids(o) &&
          (!search ||
            String(o.id) === search ||
            (o.billing.email ?? "").toLowerCase().includes(search) ||
            `${o.billing.first_name} ${o.billing.last_name}`.toLowerCase().includes(search) ||
            o.lineItems.some((li) => li.name.toLowerCase().includes(search))),
      );
    return orderby === "include" ? inIncludeOrder(req.params, matching) : matching;
  });
  setQueryEntry(req.query, "status", statuses);
  setQueryEntry(req.query, "dp", String(args.dp));
  setQueryEntry(req.query, "context", String(args.context));
  return paginate(ctx.siteUrl, req, args, list, (o) => renderOrder(o, ctx.render), "orders", true);
}

function mustGetOrder(ctx: WooEmulatorContext, id: number): EmulatedWooOrder {
  const order = ctx.store.orders.get(id);
  if (!order) throw new RestError(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.");
  return order;
}

export const ordersResource: RestResource = {
  base: "orders",
  list: listOrders,
  read: (ctx, id) => renderOrder(mustGetOrder(ctx, id), ctx.render),
  validateCreate: validateEmailArgs,
  validateUpdate: validateEmailArgs,
  create: (ctx, params) => renderOrder(ctx.store.createOrder(params), ctx.render),
  update: (ctx, id, params) => renderOrder(ctx.store.updateOrder(id, params), ctx.render),
  remove(ctx, id, force) {
    // WooCommerce renders the order before deleting it: a trashed order comes back as it was, not as "trash".
    const before = renderOrder(mustGetOrder(ctx, id), ctx.render);
    ctx.store.deleteOrder(id, force);
    return before;
  },
};

/** `/orders/{id}/refunds` (list, create with WooCommerce's refund rules) and `/orders/{id}/refunds/{rid}`. */
export function refundsRoute(
  ctx: WooEmulatorContext,
  req: RestRequest,
  orderId: number,
  refundId: number | null,
): RestResult {
  const order = ctx.store.orders.get(orderId);
  if (!order) throw new RestError(404, "woocommerce_rest_invalid_order_id", "Invalid order ID.");
  const isRead = req.method === "GET" || req.method === "HEAD";
  if (isRead && refundId === null) {
    requireUser(req, "list");
    const args = validateArgs({ ...PAGING_ARGS }, req.params);
    const render = (r: (typeof order.refunds)[number]) => renderRefund(order, r, ctx.render);
    return paginate(ctx.siteUrl, req, args, order.refunds, render, `orders/${order.id}/refunds`, false);
  }
  if (isRead) {
    requireUser(req, "view");
    const refund = order.refunds.find((r) => r.id === refundId);
    if (!refund) throw new RestError(404, "woocommerce_rest_shop_order_refund_invalid_id", "Invalid ID.");
    return { status: 200, body: renderRefund(order, refund, ctx.render) };
  }
  if (req.method === "POST" && refundId === null) {
    requireUser(req, "create");
    const updated = ctx.store.refundOrder(order.id, req.params, { apiRefundDefault: true });
    return { status: 201, body: renderRefund(updated, updated.refunds[0], ctx.render) };
  }
  throw noRoute();
}
