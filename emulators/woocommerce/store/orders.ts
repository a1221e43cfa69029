/**
 * Order mutations: create (with `set_paid`, line items, shipping lines), update, trash / force delete, restore,
 * refunds with WooCommerce's rules. Paying reduces managed stock, which is a product update on a real store.
 */
import { randomInt } from "node:crypto";
import { RestError, bareStatusError, notInEnum } from "../errors";
import { applyMeta, emitCreated, mergeAddress, str, trash } from "./input";
import {
  emptyAddress,
  parseCents,
  type EmulatedWooLineItem,
  type EmulatedWooOrder,
  type EmulatedWooProduct,
} from "./records";
import type { StoreInput, WooStore } from "./store";

export const ORDER_STATUSES = [
  "pending",
  "processing",
  "on-hold",
  "completed",
  "cancelled",
  "refunded",
  "failed",
  "checkout-draft",
];

/** Payment gateways that can refund through their API (`supports('refunds')`); the offline ones cannot. */
const REFUNDING_GATEWAYS = new Set(["stripe", "ppcp-gateway", "woocommerce_payments"]);
const OFFLINE_GATEWAYS = new Set(["bacs", "cod", "cheque"]);

const ORDER_KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** `wc_order_` + 13 characters, like wc_generate_order_key(); `random` returns [0, 1). */
export function orderKey(random: () => number): string {
  let key = "";
  for (let i = 0; i < 13; i++) key += ORDER_KEY_ALPHABET[Math.floor(random() * ORDER_KEY_ALPHABET.length)];
  return `wc_order_${key}`;
}

/** Order totals in cents, derived from its lines (no taxes are modelled). */
export function orderTotals(o: EmulatedWooOrder): {
  itemsCents: number;
  shippingCents: number;
  totalCents: number;
} {
  const itemsCents = o.lineItems.reduce((sum, li) => sum + li.totalCents, 0);
  const shippingCents = o.shippingLines.reduce((sum, s) => sum + s.totalCents, 0);
  return { itemsCents, shippingCents, totalCents: itemsCents + shippingCents };
}

/** A line item for a product (or one of its variations) at its current price. */
export function buildLineItem(
  store: WooStore,
  product: EmulatedWooProduct,
  variationId: number,
  quantity: number,
): EmulatedWooLineItem {
  const variation = variationId ? store.variations.get(variationId) : undefined;
  const priced = variation ?? product;
  const unitPriceCents = priced.salePriceCents ?? priced.regularPriceCents ?? 0;
  // A typed price ("0.125") is multiplied exactly, then rounded to the cent as WooCommerce shows line amounts.
  const typed = priced.salePriceCents !== null ? priced.salePriceText : priced.regularPriceText;
  const lineCents = (typed ? parseCents(typed, quantity) : null) ?? unitPriceCents * quantity;
  return {
    id: store.ids.item++,
    name: variation
      ? `${product.name} - ${variation.attributes.map((a) => a.option).join(", ")}`
      : product.name,
    productId: product.id,
    variationId: variation ? variation.id : 0,
    quantity,
    unitPriceCents,
    subtotalCents: lineCents,
    totalCents: lineCents,
    parentName: variation ? product.name : null,
    metaData: variation ? variation.attributes.map((a) => store.meta(a.name.toLowerCase(), a.option)) : [],
  };
}

function lineItemFromInput(store: WooStore, item: StoreInput): EmulatedWooLineItem {
  const product = store.products.get(Number(item.product_id ?? 0));
  const quantity = Math.max(1, Number(item.quantity ?? 1));
  if (!product) {
    const priceCents = parseCents(item.price) ?? parseCents(item.total) ?? 0;
    return {
      id: store.ids.item++,
      name: str(item.name, "Item"),
      productId: 0,
      variationId: 0,
      quantity,
      unitPriceCents: priceCents,
      subtotalCents: priceCents * quantity,
      totalCents: priceCents * quantity,
      parentName: null,
      metaData: [],
    };
  }
  const line = buildLineItem(store, product, Number(item.variation_id ?? 0), quantity);
  const total = parseCents(item.total);
  if (total !== null) line.totalCents = total;
  const subtotal = parseCents(item.subtotal);
  if (subtotal !== null) line.subtotalCents = subtotal;
  return line;
}

function assertOrderStatus(status: string): void {
  if (!ORDER_STATUSES.includes(status)) {
    throw notInEnum("status", ORDER_STATUSES);
  }
}

/** Payment completes: paid date, stock reduced (with the `_reduced_stock` item meta a real store writes). */
function markPaid(store: WooStore, order: EmulatedWooOrder, now: number): void {
  if (order.paidMs === null) order.paidMs = now;
  if (order.status === "pending" || order.status === "failed") order.status = "processing";
  for (const li of order.lineItems) {
    const product = store.products.get(li.productId);
    if (!product) continue;
    product.totalSales += li.quantity;
    if (
      product.manageStock &&
      product.stockQuantity !== null &&
      !li.metaData.some((m) => m.key === "_reduced_stock")
    ) {
      product.stockQuantity -= li.quantity;
      li.metaData.push(store.meta("_reduced_stock", String(li.quantity)));
      // Saving the new stock level is a product update: real stores send product.updated alongside the order.
      product.modifiedMs = now;
      store.emit({ topic: "product.updated", resourceId: product.id });
    }
  }
}

/**
 * `wc_paying_customer`, hooked to `woocommerce_payment_complete` (set_paid) and `woocommerce_order_status_completed`
 * only: the first time, the customer is saved with `is_paying_customer` — `wp_update_user` moves the user's
 * `last_update` (date_modified) and `woocommerce_update_customer` sends customer.updated.
 */
function markPayingCustomer(store: WooStore, order: EmulatedWooOrder, now: number): void {
  const customer = store.user(order.customerId);
  if (!customer || customer.isPayingCustomer) return;
  customer.isPayingCustomer = true;
  customer.modifiedMs = now;
  store.emit({ topic: "customer.updated", resourceId: customer.id });
}

function applyStatusDates(store: WooStore, order: EmulatedWooOrder, now: number): void {
  if ((order.status === "processing" || order.status === "completed") && order.paidMs === null) {
    markPaid(store, order, now);
  }
  if (order.status === "completed" && order.completedMs === null) {
    order.completedMs = now;
    markPayingCustomer(store, order, now);
  }
}

/** `set_paid: true` is `payment_complete()`: paid, and the customer becomes a paying customer. */
function paymentComplete(store: WooStore, order: EmulatedWooOrder, now: number): void {
  markPaid(store, order, now);
  markPayingCustomer(store, order, now);
}

/** Creates an order as `POST /orders` does (created_via rest-api); fires order.created and order.updated. */
export function createOrder(store: WooStore, input: StoreInput): EmulatedWooOrder {
  if (input.id)
    throw new RestError(400, "woocommerce_rest_shop_order_exists", "Cannot create existing order.");
  const now = store.nowMs();
  const customerId = Number(input.customer_id ?? 0);
  if (customerId && !store.user(customerId)) {
    throw new RestError(400, "woocommerce_rest_invalid_customer_id", "Customer ID is invalid.");
  }
  const status = str(input.status, "pending");
  assertOrderStatus(status);
  const order: EmulatedWooOrder = {
    id: store.ids.post++,
    parentId: Number(input.parent_id ?? 0),
    status,
    currency: str(input.currency, "USD"),
    createdMs: now,
    modifiedMs: now,
    paidMs: null,
    completedMs: null,
    customerId,
    orderKey: orderKey(() => randomInt(0, 2 ** 32) / 2 ** 32),
    billing: emptyAddress(true),
    shipping: emptyAddress(false),
    paymentMethod: str(input.payment_method),
    paymentMethodTitle: str(input.payment_method_title),
    transactionId: str(input.transaction_id),
    createdVia: "rest-api",
    customerNote: str(input.customer_note),
    lineItems: [],
    shippingLines: [],
    discountCents: 0,
    refunds: [],
    metaData: [],
  };
  mergeAddress(order.billing, input.billing);
  mergeAddress(order.shipping, input.shipping);
  if (Array.isArray(input.line_items)) {
    for (const raw of input.line_items)
      order.lineItems.push(lineItemFromInput(store, (raw ?? {}) as StoreInput));
  }
  if (Array.isArray(input.shipping_lines)) {
    for (const raw of input.shipping_lines) {
      const s = (raw ?? {}) as StoreInput;
      order.shippingLines.push({
        id: store.ids.item++,
        methodTitle: str(s.method_title),
        methodId: str(s.method_id),
        instanceId: str(s.instance_id),
        totalCents: parseCents(s.total) ?? 0,
      });
    }
  }
  applyMeta(store, order.metaData, input.meta_data);
  if (input.set_paid === true) paymentComplete(store, order, now);
  applyStatusDates(store, order, now);
  store.orders.set(order.id, order);
  store.version++;
  // A block checkout's draft is saved (order.updated: WooCommerce's webhook filter lets `checkout-draft` through,
  // woocommerce/woocommerce#66995) but not announced: `woocommerce_new_order` waits until it leaves draft (#47422).
  if (order.status === "checkout-draft") store.emit({ topic: "order.updated", resourceId: order.id });
  else emitCreated(store, "order", order.id);
  return order;
}

/** Updates an order; fires order.updated. Line items in the input are added. */
export function updateOrder(store: WooStore, id: number, input: StoreInput): EmulatedWooOrder {
  const order = store.orders.get(id);
  if (!order) throw new RestError(400, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.");
  const now = store.nowMs();
  const wasDraft = order.status === "checkout-draft";
  if (input.status !== undefined) {
    const status = str(input.status);
    assertOrderStatus(status);
    order.status = status;
  }
  if (input.customer_id !== undefined) order.customerId = Number(input.customer_id);
  mergeAddress(order.billing, input.billing);
  mergeAddress(order.shipping, input.shipping);
  if (input.customer_note !== undefined) order.customerNote = str(input.customer_note);
  if (input.payment_method !== undefined) order.paymentMethod = str(input.payment_method);
  if (input.payment_method_title !== undefined) order.paymentMethodTitle = str(input.payment_method_title);
  if (input.transaction_id !== undefined) order.transactionId = str(input.transaction_id);
  if (Array.isArray(input.line_items)) {
    for (const raw of input.line_items)
      order.lineItems.push(lineItemFromInput(store, (raw ?? {}) as StoreInput));
  }
  applyMeta(store, order.metaData, input.meta_data);
  if (input.set_paid === true) paymentComplete(store, order, now);
  applyStatusDates(store, order, now);
  order.modifiedMs = now;
  store.version++;
  // The customer placed the checkout's draft: only now is the order announced as created.
  if (wasDraft && order.status !== "checkout-draft") store.emit({ topic: "order.created", resourceId: id });
  store.emit({ topic: "order.updated", resourceId: id });
  return order;
}

/**
 * Trashing fires `order.deleted` (wp_trash_post / woocommerce_trash_order); a forced delete fires nothing at all,
 * exactly as a real HPOS store behaves.
 */
export function deleteOrder(store: WooStore, id: number, force: boolean): EmulatedWooOrder {
  const order = store.orders.get(id);
  if (!order) throw new RestError(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.");
  if (force) store.orders.delete(id);
  else trash(store, order, "order", id);
  store.version++;
  return order;
}

/**
 * Untrash (the admin's "Restore"): fires order.restored, and order.updated because HPOS's `untrash_order` sets the
 * old status and saves the order (an update).
 */
export function restoreOrder(store: WooStore, id: number): EmulatedWooOrder {
  const order = store.orders.get(id);
  if (!order || order.status !== "trash") {
    throw new RestError(400, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.");
  }
  order.status = order.trashedFrom ?? "pending";
  delete order.trashedFrom;
  order.modifiedMs = store.nowMs();
  store.version++;
  store.emit({ topic: "order.restored", resourceId: id });
  store.emit({ topic: "order.updated", resourceId: id });
  return order;
}

export interface RefundOptions {
  /** What `api_refund` means when the input does not say: true on the REST API, false for an admin's manual refund. */
  apiRefundDefault?: boolean;
}

function isFalse(value: unknown): boolean {
  return value === false || value === "false" || value === "0" || value === 0;
}

/**
 * A refund (`wc_create_refund`), a child post of the order; fires `order.updated` (woocommerce_order_refunded).
 * Rules as WooCommerce applies them: a negative amount or more than what remains is refused, and with `api_refund`
 * (the REST default) the payment gateway must refund the money — offline gateways (bank transfer, cash on delivery,
 * cheque) cannot, an unknown gateway does not exist. These failures are HTTP 500 with `data` a bare number.
 */
export function refundOrder(
  store: WooStore,
  id: number,
  input: StoreInput,
  { apiRefundDefault = true }: RefundOptions = {},
): EmulatedWooOrder {
  const order = store.orders.get(id);
  if (!order) throw new RestError(404, "woocommerce_rest_invalid_order_id", "Invalid order ID.");
  const amountCents = parseCents(input.amount) ?? 0;
  if (amountCents < 0) {
    throw bareStatusError(
      "woocommerce_rest_invalid_order_refund",
      "Refund amount must be greater than zero.",
      400,
    );
  }
  const refundedCents = order.refunds.reduce((sum, r) => sum + r.amountCents, 0);
  const remainingCents = orderTotals(order).totalCents - order.discountCents - refundedCents;
  if (amountCents > remainingCents) {
    throw bareStatusError("woocommerce_rest_cannot_create_order_refund", "Invalid refund amount.", 500);
  }
  const apiRefund = input.api_refund === undefined ? apiRefundDefault : !isFalse(input.api_refund);
  if (apiRefund) {
    const failure = OFFLINE_GATEWAYS.has(order.paymentMethod)
      ? "The payment gateway for this order does not support automatic refunds."
      : REFUNDING_GATEWAYS.has(order.paymentMethod)
        ? null
        : "The payment gateway for this order does not exist.";
    if (failure) throw bareStatusError("woocommerce_rest_cannot_create_order_refund", failure, 500);
  }
  const now = store.nowMs();
  order.refunds.unshift({
    id: store.ids.post++,
    reason: str(input.reason),
    amountCents,
    createdMs: now,
    refundedPayment: apiRefund,
  });
  if (amountCents === remainingCents) order.status = "refunded";
  order.modifiedMs = now;
  store.version++;
  store.emit({ topic: "order.updated", resourceId: id });
  return order;
}
