/**
 * `/webhooks`: creation pings the delivery URL before answering; the body never carries the secret. Error answers
 * are WooCommerce's own: an unknown id is 400 "ID is invalid." on read and update but 404 on delete, and a delete
 * without `force` is refused before the id is even looked at.
 */
import type { WooEmulatorContext } from "../context";
import { RestError, missingParams } from "../errors";
import { renderWebhook } from "../render/webhook";
import type { EmulatedWooWebhook } from "../store/records";
import { webhookIdIsInvalid } from "../store/webhooks";
import { DATE_ARGS, ORDER_ARG, PAGING_ARGS, dateFilter, includeExclude, paginate } from "./list";
import { validateArgs } from "./params";
import type { RestRequest, RestResult } from "./request";
import type { RestResource } from "./resource";

function listWebhooks(ctx: WooEmulatorContext, req: RestRequest): RestResult {
  const args = validateArgs(
    {
      ...PAGING_ARGS,
      ...DATE_ARGS,
      order: ORDER_ARG,
      orderby: {
        type: "enum",
        values: ["date", "id", "include", "title", "slug", "modified"],
        default: "date",
      },
      status: { type: "enum", values: ["all", "active", "paused", "disabled"], default: "all" },
    },
    req.params,
  );
  const orderby = args.orderby as string;
  const inDates = dateFilter<EmulatedWooWebhook>(
    args,
    ctx.render.utcOffsetMinutes,
    (w) => w.createdMs,
    (w) => w.modifiedMs,
  );
  const ids = includeExclude<EmulatedWooWebhook>(req.params);
  // Observed: newest first, webhooks created in the same second in ascending id order.
  const sortKey = (w: EmulatedWooWebhook) =>
    orderby === "date"
      ? w.createdMs
      : orderby === "modified"
        ? w.modifiedMs
        : orderby === "title"
          ? w.name
          : w.id;
  const list = ctx.lists.filtered("webhooks", args, () =>
    ctx.lists
      .sorted("webhooks", ctx.store.webhooks, orderby, args.order as "asc" | "desc", sortKey, true)
      .filter((w) => (args.status === "all" || w.status === args.status) && inDates(w) && ids(w)),
  );
  return paginate(ctx.siteUrl, req, args, list, (w) => renderWebhook(w, ctx.render), "webhooks", false);
}

export const webhooksResource: RestResource = {
  base: "webhooks",
  list: listWebhooks,
  read(ctx, id) {
    const webhook = ctx.store.webhooks.get(id);
    if (!webhook) throw webhookIdIsInvalid();
    return renderWebhook(webhook, ctx.render);
  },
  validateCreate(params) {
    const missing = ["topic", "delivery_url"].filter((name) => params[name] === undefined);
    if (missing.length) throw missingParams(missing);
  },
  async create(ctx, params, userId) {
    const webhook = ctx.store.createWebhook(params, userId);
    const body = renderWebhook(webhook, ctx.render);
    // The real controller pings before answering, so the 201 waits for the ping.
    await ctx.deliveries.ping(webhook);
    return body;
  },
  update: (ctx, id, params) => renderWebhook(ctx.store.updateWebhook(id, params), ctx.render),
  remove(ctx, id, force) {
    if (!force)
      throw new RestError(501, "woocommerce_rest_trash_not_supported", "Webhooks do not support trashing.");
    const before = ctx.store.webhooks.get(id);
    if (!before) throw new RestError(404, "woocommerce_rest_shop_webhook_invalid_id", "Invalid ID.");
    const body = renderWebhook(before, ctx.render);
    ctx.store.deleteWebhook(id);
    return body;
  },
};
