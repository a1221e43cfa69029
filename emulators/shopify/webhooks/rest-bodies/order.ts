/** orders/* bodies, shaped like the 2026-04 sample (payload-versions.ts adapts older versions). */
import { gid, type EmuOrder, type EmuShop } from "../../model";
import { customerToRest } from "./customer";
import type { EmuAddress } from "../../model";
import { addMoney, derivedId, formatShopTime, moneySet, type Json } from "./format";

/** REST `financial_status` from the GraphQL display status (PARTIALLY_REFUNDED → partially_refunded). */
function restFinancialStatus(status: string): string {
  return status.toLowerCase();
}

/** REST `fulfillment_status`: null while unfulfilled, "partial" for partially fulfilled. */
function restFulfillmentStatus(status: string): string | null {
  switch (status) {
    case "FULFILLED":
      return "fulfilled";
    case "PARTIALLY_FULFILLED":
      return "partial";
    case "RESTOCKED":
      return "restocked";
    default:
      return null;
  }
}

/**
 * An order's billing or shipping address, keyed as Shopify's samples key it: unlike a customer's address it has no
 * `id`, `customer_id`, `country_name` or `default`, and it has `latitude` / `longitude`.
 */
function orderAddressToRest(address: EmuAddress): Json {
  return {
    first_name: address.firstName,
    address1: address.address1,
    phone: address.phone,
    city: address.city,
    zip: address.zip,
    province: address.province,
    country: address.country,
    last_name: address.lastName,
    address2: null,
    company: null,
    latitude: null,
    longitude: null,
    name: [address.firstName, address.lastName].filter(Boolean).join(" "),
    country_code: address.countryCode,
    province_code: address.provinceCode,
  };
}

/** orders/create|updated|fulfilled body, with the embedded customer (no tags/consent) and line items. */
export function orderToRest(shop: EmuShop, o: EmuOrder): Json {
  const tz = shop.ianaTimezone;
  const set = (amount: string) => moneySet(amount, o.currency, o.presentmentCurrency);
  const lineItemsTotal = addMoney(o.lineItems.map((li) => ({ amount: li.price, times: li.quantity })));
  const refunded = addMoney(o.refunds.map((r) => ({ amount: r.amount })));
  const currentTotal = addMoney([{ amount: o.totalPrice }, { amount: refunded, sign: -1 }]);
  const customer = o.customerId === null ? undefined : shop.customers.get(o.customerId);
  const customerBody = customer ? customerToRest(shop, customer) : null;
  if (customerBody) delete customerBody.addresses;
  const address = customer?.defaultAddress ? orderAddressToRest(customer.defaultAddress) : null;
  const orderNumber = o.number;
  return {
    id: o.id,
    admin_graphql_api_id: gid("Order", o.id),
    app_id: null,
    browser_ip: null,
    buyer_accepts_marketing: customer?.emailConsent?.marketingState === "SUBSCRIBED",
    cancel_reason: o.cancelReason ? o.cancelReason.toLowerCase() : null,
    cancelled_at: formatShopTime(o.cancelledAt, tz),
    cart_token: null,
    checkout_token: null,
    client_details: null,
    closed_at: formatShopTime(o.closedAt, tz),
    confirmation_number: null,
    confirmed: true,
    contact_email: o.email,
    created_at: formatShopTime(o.createdAt, tz),
    currency: o.currency,
    current_shipping_price_set: set(o.totalShipping),
    current_subtotal_price: o.subtotalPrice,
    current_subtotal_price_set: set(o.subtotalPrice),
    current_total_additional_fees_set: null,
    current_total_discounts: o.totalDiscounts,
    current_total_discounts_set: set(o.totalDiscounts),
    current_total_duties_set: null,
    current_total_price: currentTotal,
    current_total_price_set: set(currentTotal),
    current_total_tax: o.totalTax,
    current_total_tax_set: set(o.totalTax),
    customer_locale: "en",
    device_id: null,
    discount_codes: [],
    duties_included: false,
    email: o.email,
    estimated_taxes: false,
    financial_status: restFinancialStatus(o.financialStatus),
    fulfillment_status: restFulfillmentStatus(o.fulfillmentStatus),
    landing_site: null,
    landing_site_ref: null,
    location_id: null,
    merchant_business_entity_id: Buffer.from(shop.id.toString()).toString("base64").replace(/=+$/, ""),
    merchant_of_record_app_id: null,
    name: o.name,
    note: o.note,
    note_attributes: [],
    number: orderNumber - 1000 > 0 ? orderNumber - 1000 : orderNumber,
    order_number: orderNumber,
    order_status_url: `https://${shop.domain}/${shop.id}/orders/${o.id}/authenticate`,
    original_total_additional_fees_set: null,
    original_total_duties_set: null,
    payment_gateway_names: ["bogus"],
    phone: o.phone,
    po_number: null,
    presentment_currency: o.presentmentCurrency,
    processed_at: formatShopTime(o.processedAt, tz),
    reference: null,
    referring_site: null,
    source_identifier: null,
    source_name: "web",
    source_url: null,
    subtotal_price: o.subtotalPrice,
    subtotal_price_set: set(o.subtotalPrice),
    tags: o.tags.join(", "),
    tax_exempt: false,
    tax_lines: [],
    taxes_included: false,
    test: o.test,
    token: derivedId(`order-token:${o.id}`).toString(16),
    total_cash_rounding_payment_adjustment_set: set("0.00"),
    total_cash_rounding_refund_adjustment_set: set("0.00"),
    total_discounts: o.totalDiscounts,
    total_discounts_set: set(o.totalDiscounts),
    total_line_items_price: lineItemsTotal,
    total_line_items_price_set: set(lineItemsTotal),
    total_outstanding: "0.00",
    total_price: o.totalPrice,
    total_price_set: set(o.totalPrice),
    total_shipping_price_set: set(o.totalShipping),
    total_tax: o.totalTax,
    total_tax_set: set(o.totalTax),
    total_tip_received: "0.00",
    total_weight: 0,
    updated_at: formatShopTime(o.updatedAt, tz),
    user_id: null,
    billing_address: address,
    customer: customerBody,
    discount_applications: [],
    fulfillments: [],
    line_items: o.lineItems.map((li) => ({
      id: li.id,
      admin_graphql_api_id: gid("LineItem", li.id),
      attributed_staffs: [],
      current_quantity: li.quantity,
      fulfillable_quantity: o.fulfillmentStatus === "FULFILLED" ? 0 : li.quantity,
      fulfillment_service: "manual",
      fulfillment_status: o.fulfillmentStatus === "FULFILLED" ? "fulfilled" : null,
      gift_card: false,
      grams: 0,
      name: li.variantTitle ? `${li.title} - ${li.variantTitle}` : li.title,
      price: li.price,
      price_set: set(li.price),
      product_exists: li.productId !== null && shop.products.has(li.productId),
      product_id: li.productId,
      properties: [],
      quantity: li.quantity,
      requires_shipping: true,
      sales_line_item_group_id: null,
      sku: li.sku,
      taxable: true,
      title: li.title,
      total_discount: "0.00",
      total_discount_set: set("0.00"),
      variant_id: li.variantId,
      variant_inventory_management: null,
      variant_title: li.variantTitle,
      vendor: li.vendor,
      tax_lines: [],
      duties: [],
      discount_allocations: [],
    })),
    payment_terms: null,
    refunds: o.refunds.map((r) => ({
      id: r.id,
      admin_graphql_api_id: gid("Refund", r.id),
      order_id: o.id,
      created_at: formatShopTime(r.createdAt, tz),
      processed_at: formatShopTime(r.createdAt, tz),
      note: r.note,
      restock: false,
      total_duties_set: set("0.00"),
      transactions: [
        {
          id: derivedId(`refund-transaction:${r.id}`),
          order_id: o.id,
          kind: "refund",
          status: "success",
          amount: r.amount,
          currency: o.currency,
          created_at: formatShopTime(r.createdAt, tz),
        },
      ],
      refund_line_items: [],
      order_adjustments: [],
    })),
    shipping_address: address,
    shipping_lines: [
      {
        id: derivedId(`shipping:${o.id}`),
        carrier_identifier: null,
        code: "Standard",
        current_discounted_price_set: set(o.totalShipping),
        discounted_price: o.totalShipping,
        discounted_price_set: set(o.totalShipping),
        is_removed: false,
        phone: null,
        price: o.totalShipping,
        price_set: set(o.totalShipping),
        requested_fulfillment_service_id: null,
        source: "shopify",
        title: "Standard",
        tax_lines: [],
        discount_allocations: [],
      },
    ],
    returns: [],
    line_item_groups: [],
  };
}
