/** A webhook as `/webhooks` renders it. There is no `secret`: a real store never returns it, not even with context=edit. */
import type { EmulatedWooWebhook } from "../store/records";
import { selfLinks, wpDate, type RenderContext } from "./common";

/** Which WordPress/WooCommerce hooks feed each webhook topic (as the real `hooks` field lists them). */
export const TOPIC_HOOKS: Record<string, string[]> = {
  "coupon.created": ["woocommerce_process_shop_coupon_meta", "woocommerce_new_coupon"],
  "coupon.updated": ["woocommerce_process_shop_coupon_meta", "woocommerce_update_coupon"],
  "coupon.deleted": ["wp_trash_post"],
  "coupon.restored": ["untrashed_post"],
  "customer.created": ["user_register", "woocommerce_created_customer", "woocommerce_new_customer"],
  "customer.updated": ["profile_update", "woocommerce_update_customer"],
  "customer.deleted": ["delete_user"],
  "order.created": ["woocommerce_new_order"],
  "order.updated": ["woocommerce_update_order", "woocommerce_order_refunded"],
  "order.deleted": ["wp_trash_post", "woocommerce_trash_order"],
  "order.restored": ["untrashed_post", "woocommerce_untrash_order"],
  "product.created": [
    "woocommerce_process_product_meta",
    "woocommerce_new_product",
    "woocommerce_new_product_variation",
  ],
  "product.updated": [
    "woocommerce_process_product_meta",
    "woocommerce_update_product",
    "woocommerce_update_product_variation",
  ],
  "product.deleted": ["wp_trash_post"],
  "product.restored": ["untrashed_post"],
};

export function renderWebhook(w: EmulatedWooWebhook, ctx: RenderContext): Record<string, unknown> {
  const [resource, event] = w.topic.split(".");
  return {
    id: w.id,
    name: w.name,
    status: w.status,
    topic: w.topic,
    resource,
    event,
    hooks: TOPIC_HOOKS[w.topic] ?? [],
    delivery_url: w.deliveryUrl,
    date_created: wpDate(w.createdMs, ctx.utcOffsetMinutes),
    date_created_gmt: wpDate(w.createdMs, 0),
    date_modified: wpDate(w.modifiedMs, ctx.utcOffsetMinutes),
    date_modified_gmt: wpDate(w.modifiedMs, 0),
    _links: selfLinks(ctx, `webhooks/${w.id}`, "webhooks"),
  };
}
