/**
 * Orders and refunds as WooCommerce 11 renders them (the real capture's key order). Money is a string except a
 * line item's unit `price`, a JSON number in real stores. A line item's `sku` and `image` come from the product
 * as it is now: null and id 0 once the product is gone, as on a real store.
 */
import { orderTotals } from "../store/orders";
import {
  formatCents,
  type EmulatedWooLineItem,
  type EmulatedWooOrder,
  type EmulatedWooRefund,
} from "../store/records";
import { WC_VERSION, orderAddress, meta, selfLinks, wpDate, type RenderContext } from "./common";

const UNPAID = new Set(["pending", "failed", "checkout-draft"]);
const EDITABLE = new Set(["pending", "on-hold", "auto-draft", "checkout-draft"]);

function renderLineItem(li: EmulatedWooLineItem, ctx: RenderContext): Record<string, unknown> {
  // WC_Order_Item_Product::get_product(): the variation when there is one, else the product; false once deleted.
  const sold = li.variationId
    ? ctx.variation(li.variationId)
    : li.productId
      ? ctx.product(li.productId)
      : undefined;
  return {
    id: li.id,
    name: li.name,
    product_id: li.productId,
    variation_id: li.variationId,
    quantity: li.quantity,
    tax_class: "",
    subtotal: formatCents(li.subtotalCents),
    subtotal_tax: "0.00",
    total: formatCents(li.totalCents),
    total_tax: "0.00",
    taxes: [],
    meta_data: li.metaData.map((m) => ({
      id: m.id,
      key: m.key,
      value: m.value,
      display_key: m.key,
      display_value: m.value,
    })),
    sku: sold ? sold.sku : null,
    global_unique_id: "",
    // Real WooCommerce sends the unit price as a JSON number (3, 19.99, 9.5), unlike every other amount.
    // get_order_item_data(): the line total divided by its quantity, a PHP float (10.00 / 3 → 3.3333333333333335).
    price: li.quantity ? li.totalCents / 100 / li.quantity : 0,
    // A product without an image has id "" (an empty meta value); without a product the id is 0.
    image: { id: sold ? "" : 0, src: "" },
    parent_name: li.parentName,
  };
}

export function renderOrder(o: EmulatedWooOrder, ctx: RenderContext): Record<string, unknown> {
  const totals = orderTotals(o);
  const links: Record<string, unknown> = {
    ...selfLinks(ctx, `orders/${o.id}`, "orders"),
    email_templates: [
      { embeddable: true, href: `${ctx.siteUrl}/wp-json/wc/v3/orders/${o.id}/actions/email_templates` },
    ],
  };
  if (o.customerId > 0) links.customer = [{ href: `${ctx.siteUrl}/wp-json/wc/v3/customers/${o.customerId}` }];
  return {
    id: o.id,
    parent_id: o.parentId,
    status: o.status,
    currency: o.currency,
    version: WC_VERSION,
    prices_include_tax: false,
    date_created: wpDate(o.createdMs, ctx.utcOffsetMinutes),
    date_modified: wpDate(o.modifiedMs, ctx.utcOffsetMinutes),
    discount_total: formatCents(o.discountCents),
    discount_tax: "0.00",
    shipping_total: formatCents(totals.shippingCents),
    shipping_tax: "0.00",
    cart_tax: "0.00",
    total: formatCents(totals.totalCents - o.discountCents),
    total_tax: "0.00",
    customer_id: o.customerId,
    order_key: o.orderKey,
    billing: orderAddress(o.billing, true),
    shipping: orderAddress(o.shipping, false),
    payment_method: o.paymentMethod,
    payment_method_title: o.paymentMethodTitle,
    transaction_id: o.transactionId,
    customer_ip_address: "",
    customer_user_agent: "",
    created_via: o.createdVia,
    customer_note: o.customerNote,
    date_completed: wpDate(o.completedMs, ctx.utcOffsetMinutes),
    date_paid: wpDate(o.paidMs, ctx.utcOffsetMinutes),
    cart_hash: "",
    number: String(o.id),
    meta_data: meta(o.metaData),
    line_items: o.lineItems.map((li) => renderLineItem(li, ctx)),
    tax_lines: [],
    shipping_lines: o.shippingLines.map((s) => ({
      id: s.id,
      method_title: s.methodTitle,
      method_id: s.methodId,
      instance_id: s.instanceId,
      total: formatCents(s.totalCents),
      total_tax: "0.00",
      taxes: [],
      tax_status: "taxable",
      meta_data: [],
    })),
    fee_lines: [],
    coupon_lines: [],
    refunds: o.refunds.map((r) => ({ id: r.id, reason: r.reason, total: formatCents(-r.amountCents) })),
    payment_url: `${ctx.siteUrl}/checkout/order-pay/${o.id}/?pay_for_order=true&key=${o.orderKey}`,
    is_editable: EDITABLE.has(o.status),
    needs_payment: UNPAID.has(o.status) && totals.totalCents > 0,
    needs_processing: true,
    date_created_gmt: wpDate(o.createdMs, 0),
    date_modified_gmt: wpDate(o.modifiedMs, 0),
    date_completed_gmt: wpDate(o.completedMs, 0),
    date_paid_gmt: wpDate(o.paidMs, 0),
    currency_symbol: "$",
    _links: links,
  };
}

/** A refund as `/orders/{id}/refunds` shows it. */
export function renderRefund(
  o: EmulatedWooOrder,
  r: EmulatedWooRefund,
  ctx: RenderContext,
): Record<string, unknown> {
  return {
    id: r.id,
    date_created: wpDate(r.createdMs, ctx.utcOffsetMinutes),
    date_created_gmt: wpDate(r.createdMs, 0),
    amount: formatCents(r.amountCents),
    reason: r.reason,
    refunded_by: 1,
    refunded_payment: r.refundedPayment,
    meta_data: [],
    line_items: [],
    tax_lines: [],
    shipping_lines: [],
    fee_lines: [],
    _links: {
      self: [
        {
          href: `${ctx.siteUrl}/wp-json/wc/v3/orders/${o.id}/refunds/${r.id}`,
          targetHints: { allow: ["GET", "DELETE"] },
        },
      ],
      collection: [{ href: `${ctx.siteUrl}/wp-json/wc/v3/orders/${o.id}/refunds` }],
      up: [{ href: `${ctx.siteUrl}/wp-json/wc/v3/orders/${o.id}` }],
    },
  };
}
