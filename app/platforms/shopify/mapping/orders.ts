/**
 * Shopify order → our order, from a GraphQL node (page query or bulk lines joined by the reader) or from a
 * REST-shaped webhook body. Both give the same record for the same order: money in the shop's currency (`shopMoney`,
 * REST `shop_money`), ids as GIDs, statuses in one vocabulary. Pure.
 */
import { toMinorUnits } from "../../../lib/money";
import type { OrderItemRecord, OrderRecord } from "../../../sync/types";
import { gidOf, optionalGidOf } from "./ids";
import { optionalDate, requireDate } from "./time";
import type { ShopifyLineItemNode, ShopifyOrderNode, ShopifyRestLineItem, ShopifyRestOrder } from "./types";

/**
 * Fulfillment status in the vocabulary both sources share. REST bodies only know fulfilled / partial / restocked /
 * null, so GraphQL's finer display statuses (OPEN, IN_PROGRESS, ON_HOLD, SCHEDULED, …) count as unfulfilled:
 * otherwise a webhook and the next reconcile would flip the same order between two spellings.
 */
export function fulfillmentStatusOf(status: string | null | undefined): string {
  switch ((status ?? "").toUpperCase()) {
    case "FULFILLED":
      return "fulfilled";
    case "PARTIAL":
    case "PARTIALLY_FULFILLED":
      return "partially_fulfilled";
    case "RESTOCKED":
      return "restocked";
    default:
      return "unfulfilled";
  }
}

/** Financial status, lower snake case in both sources (PARTIALLY_REFUNDED ↔ partially_refunded). */
export function financialStatusOf(status: string | null | undefined): string | null {
  return status ? status.toLowerCase() : null;
}

function nonEmpty(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

function lineItemOfNode(item: ShopifyLineItemNode, currency: string): OrderItemRecord {
  const money = item.originalUnitPriceSet?.shopMoney;
  if (!money) throw new Error(`Line item ${item.id} has no price.`);
  return {
    externalId: item.id,
    productExternalId: item.product?.id ?? null,
    variantExternalId: item.variant?.id ?? null,
    title: item.title,
    sku: nonEmpty(item.sku),
    quantity: item.quantity,
    unitPriceMinor: toMinorUnits(money.amount, money.currencyCode || currency),
  };
}

/** Maps an order node whose line items are in `lineItems.nodes`. */
export function mapOrderNode(node: ShopifyOrderNode): OrderRecord {
  if (!node?.id) throw new Error("The order has no id.");
  const total = node.totalPriceSet?.shopMoney;
  if (!total) throw new Error(`Order ${node.name ?? node.id} has no total.`);
  const currency = total.currencyCode || node.currencyCode;
  return {
    externalId: node.id,
    orderNumber: node.name,
    customerExternalId: node.customer?.id ?? null,
    email: nonEmpty(node.email),
    customerFirstName: node.billingAddress?.firstName ?? null,
    customerLastName: node.billingAddress?.lastName ?? null,
    customerPhone: node.billingAddress?.phone ?? node.phone ?? null,
    financialStatus: financialStatusOf(node.displayFinancialStatus),
    fulfillmentStatus: fulfillmentStatusOf(node.displayFulfillmentStatus),
    totalMinor: toMinorUnits(total.amount, currency),
    currency,
    orderDate: requireDate(node.processedAt ?? node.createdAt, "processedAt"),
    externalUpdatedAt: requireDate(node.updatedAt, "updatedAt"),
    cancelledAt: optionalDate(node.cancelledAt, "cancelledAt"),
    items: (node.lineItems?.nodes ?? []).map((item) => lineItemOfNode(item, currency)),
  };
}

function lineItemOfRest(item: ShopifyRestLineItem, currency: string): OrderItemRecord {
  const amount = item.price_set?.shop_money?.amount ?? item.price;
  return {
    externalId: item.admin_graphql_api_id ?? gidOf("LineItem", item.id),
    productExternalId: optionalGidOf("Product", item.product_id),
    variantExternalId: optionalGidOf("ProductVariant", item.variant_id),
    title: item.title ?? item.name ?? "",
    sku: nonEmpty(item.sku),
    quantity: item.quantity,
    unitPriceMinor: toMinorUnits(amount, currency),
  };
}

/** Maps an orders/create, orders/updated or orders/fulfilled body (parsed with parseJsonLossless). */
export function mapOrderWebhook(body: ShopifyRestOrder): OrderRecord {
  if (!body?.id) throw new Error("The order has no id.");
  const currency = body.total_price_set?.shop_money?.currency_code ?? body.currency;
  const customer = body.customer
    ? (body.customer.admin_graphql_api_id ?? gidOf("Customer", body.customer.id))
    : null;
  return {
    externalId: body.admin_graphql_api_id ?? gidOf("Order", body.id),
    orderNumber: body.name,
    customerExternalId: customer,
    email: nonEmpty(body.email) ?? nonEmpty(body.contact_email),
    customerFirstName: body.billing_address?.first_name ?? null,
    customerLastName: body.billing_address?.last_name ?? null,
    customerPhone: body.billing_address?.phone ?? body.phone ?? null,
    financialStatus: financialStatusOf(body.financial_status),
    fulfillmentStatus: fulfillmentStatusOf(body.fulfillment_status),
    totalMinor: toMinorUnits(body.total_price_set?.shop_money?.amount ?? body.total_price, currency),
    currency,
    orderDate: requireDate(body.processed_at ?? body.created_at, "processed_at"),
    externalUpdatedAt: requireDate(body.updated_at, "updated_at"),
    cancelledAt: optionalDate(body.cancelled_at, "cancelled_at"),
    items: (body.line_items ?? []).map((item) => lineItemOfRest(item, currency)),
  };
}
