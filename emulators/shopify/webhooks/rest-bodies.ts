/**
 * REST-style webhook bodies built from the emulator's records, shaped like Shopify's documented examples
 * (`shared/reference/shopify/webhooks/2026-04/*.json`). Ids stay bigint so `stringifyJson` writes them exactly.
 * Times are written in the shop's time zone with its offset, as Shopify does ("2021-12-31T19:00:00-05:00").
 */
import { createHash } from "node:crypto";
import {
  gid,
  type EmuAddress,
  type EmuCustomer,
  type EmuOrder,
  type EmuProduct,
  type EmuShop,
} from "../model";

type Json = Record<string, unknown>;

/** Formats a UTC instant as local time with offset in `timeZone` (e.g. 2021-12-31T19:00:00-05:00). */
export function formatShopTime(date: Date | null, timeZone: string): string | null {
  if (!date) return null;
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      timeZoneName: "longOffset",
    }).formatToParts(date);
  } catch {
    // Unknown zone: fall back to UTC rather than failing a webhook.
    return date.toISOString().replace(/\.\d{3}Z$/, "+00:00");
  }
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const zone = get("timeZoneName"); // "GMT-05:00" or "GMT"
  const offset = zone === "GMT" ? "+00:00" : zone.replace("GMT", "");
  return `${get("year")}-${get("month")}-${get("day")}T${get("hour")}:${get("minute")}:${get("second")}${offset}`;
}

/** A stable numeric id for objects the model does not number (addresses, shipping lines). */
function derivedId(seed: string): bigint {
  return BigInt(`0x${createHash("sha256").update(seed).digest("hex").slice(0, 12)}`);
}

/** Exact decimal arithmetic on money strings (no floats): sums with `sign` ±1 and keeps ≥ 2 decimals. */
function addMoney(values: { amount: string; sign?: 1 | -1; times?: number }[]): string {
  const scale = Math.max(2, ...values.map((v) => (v.amount.split(".")[1] ?? "").length));
  let total = 0n;
  for (const v of values) {
    const negative = v.amount.startsWith("-");
    const [whole, frac = ""] = v.amount.replace(/^-/, "").split(".");
    let minor =
      BigInt(whole || "0") * 10n ** BigInt(scale) + BigInt((frac + "0".repeat(scale)).slice(0, scale) || "0");
    if (negative) minor = -minor;
    total += minor * BigInt(v.times ?? 1) * BigInt(v.sign ?? 1);
  }
  const negative = total < 0n;
  const abs = negative ? -total : total;
  const base = 10n ** BigInt(scale);
  const frac = (abs % base).toString().padStart(scale, "0");
  return `${negative ? "-" : ""}${(abs / base).toString()}.${frac}`;
}

function moneySet(amount: string, shopCurrency: string, presentmentCurrency: string): Json {
  return {
    shop_money: { amount, currency_code: shopCurrency },
    presentment_money: { amount, currency_code: presentmentCurrency },
  };
}

function addressToRest(address: EmuAddress, extra: Json): Json {
  const name = [address.firstName, address.lastName].filter(Boolean).join(" ");
  return {
    ...extra,
    first_name: address.firstName,
    last_name: address.lastName,
    company: null,
    address1: address.address1,
    address2: null,
    city: address.city,
    province: address.province,
    country: address.country,
    zip: address.zip,
    phone: address.phone,
    name,
    province_code: address.provinceCode,
    country_code: address.countryCode,
    country_name: address.country,
  };
}

/**
 * customers/create|update body. Since API 2025-01 Shopify no longer sends tags or marketing consent here, so
 * neither is included.
 */
export function customerToRest(shop: EmuShop, c: EmuCustomer): Json {
  const tz = shop.ianaTimezone;
  const defaultAddress = c.defaultAddress
    ? addressToRest(c.defaultAddress, { id: derivedId(`address:${c.id}`), customer_id: c.id })
    : null;
  const body: Json = {
    id: c.id,
    created_at: formatShopTime(c.createdAt, tz),
    updated_at: formatShopTime(c.updatedAt, tz),
    first_name: c.firstName,
    last_name: c.lastName,
    state: c.state.toLowerCase(),
    note: c.note,
    verified_email: c.verifiedEmail,
    multipass_identifier: null,
    tax_exempt: false,
    email: c.email,
    phone: c.phone,
    currency: c.currency,
    addresses: defaultAddress ? [{ ...defaultAddress, default: true }] : [],
    tax_exemptions: [],
    admin_graphql_api_id: gid("Customer", c.id),
  };
  if (defaultAddress) body.default_address = { ...defaultAddress, default: true };
  return body;
}

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
  const address = customer?.defaultAddress ? addressToRest(customer.defaultAddress, {}) : null;
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
    current_total_additional_fees_set: null,
    current_total_duties_set: null,
    device_id: null,
    duties_included: false,
    landing_site: null,
    landing_site_ref: null,
    location_id: null,
    merchant_business_entity_id: Buffer.from(shop.id.toString()).toString("base64").replace(/=+$/, ""),
    merchant_of_record_app_id: null,
    original_total_additional_fees_set: null,
    original_total_duties_set: null,
    po_number: null,
    reference: null,
    referring_site: null,
    source_identifier: null,
    source_url: null,
    token: derivedId(`order-token:${o.id}`).toString(16),
    total_cash_rounding_payment_adjustment_set: set("0.00"),
    total_cash_rounding_refund_adjustment_set: set("0.00"),
    current_subtotal_price: o.subtotalPrice,
    current_subtotal_price_set: set(o.subtotalPrice),
    current_total_discounts: o.totalDiscounts,
    current_total_discounts_set: set(o.totalDiscounts),
    current_total_price: currentTotal,
    current_total_price_set: set(currentTotal),
    current_total_tax: o.totalTax,
    current_total_tax_set: set(o.totalTax),
    customer_locale: "en",
    discount_codes: [],
    email: o.email,
    estimated_taxes: false,
    financial_status: restFinancialStatus(o.financialStatus),
    fulfillment_status: restFulfillmentStatus(o.fulfillmentStatus),
    name: o.name,
    note: o.note,
    note_attributes: [],
    number: orderNumber - 1000 > 0 ? orderNumber - 1000 : orderNumber,
    order_number: orderNumber,
    order_status_url: `https://${shop.domain}/${shop.id}/orders/${o.id}/authenticate`,
    payment_gateway_names: ["bogus"],
    phone: o.phone,
    presentment_currency: o.presentmentCurrency,
    processed_at: formatShopTime(o.processedAt, tz),
    source_name: "web",
    subtotal_price: o.subtotalPrice,
    subtotal_price_set: set(o.subtotalPrice),
    tags: o.tags.join(", "),
    tax_exempt: false,
    tax_lines: [],
    taxes_included: false,
    test: o.test,
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
        code: "Standard",
        price: o.totalShipping,
        price_set: set(o.totalShipping),
        discounted_price: o.totalShipping,
        discounted_price_set: set(o.totalShipping),
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

/** products/create|update body with variants. */
export function productToRest(shop: EmuShop, p: EmuProduct): Json {
  const tz = shop.ianaTimezone;
  const variants = [...p.variants].sort((a, b) => a.position - b.position);
  return {
    admin_graphql_api_id: gid("Product", p.id),
    body_html: p.descriptionHtml,
    created_at: formatShopTime(p.createdAt, tz),
    handle: p.handle,
    id: p.id,
    product_type: p.productType,
    published_at: formatShopTime(p.publishedAt, tz),
    template_suffix: null,
    title: p.title,
    updated_at: formatShopTime(p.updatedAt, tz),
    vendor: p.vendor,
    status: p.status.toLowerCase(),
    published_scope: "web",
    tags: p.tags.join(", "),
    variants: variants.map((v) => ({
      admin_graphql_api_id: gid("ProductVariant", v.id),
      barcode: null,
      compare_at_price: v.compareAtPrice,
      created_at: formatShopTime(v.createdAt, tz),
      id: v.id,
      inventory_policy: "deny",
      position: v.position,
      price: v.price,
      product_id: p.id,
      sku: v.sku,
      taxable: true,
      title: v.title,
      updated_at: formatShopTime(v.updatedAt, tz),
      option1: v.title,
      option2: null,
      option3: null,
      image_id: null,
      inventory_item_id: null,
      inventory_quantity: v.inventoryQuantity,
      old_inventory_quantity: v.inventoryQuantity,
    })),
    options: [],
    images: [],
    image: null,
    media: [],
    variant_gids: variants.map((v) => ({
      admin_graphql_api_id: gid("ProductVariant", v.id),
      updated_at: v.updatedAt.toISOString(),
    })),
    has_variants_that_requires_components: false,
    category: null,
  };
}

/** app/uninstalled body: the shop resource, as in Shopify's example. */
export function shopToRest(shop: EmuShop): Json {
  return {
    id: shop.id,
    name: shop.name,
    email: shop.email,
    domain: shop.domain,
    province: null,
    country: "US",
    address1: null,
    zip: null,
    city: null,
    source: null,
    phone: null,
    latitude: null,
    longitude: null,
    primary_locale: "en",
    address2: null,
    created_at: null,
    updated_at: null,
    country_code: "US",
    country_name: "United States",
    currency: shop.currencyCode,
    customer_email: shop.email,
    timezone: shop.ianaTimezone,
    iana_timezone: shop.ianaTimezone,
    shop_owner: shop.name,
    money_format: "{{amount}}",
    money_with_currency_format: `{{amount}} ${shop.currencyCode}`,
    weight_unit: "kg",
    province_code: null,
    taxes_included: null,
    auto_configure_tax_inclusivity: null,
    tax_shipping: null,
    county_taxes: null,
    plan_display_name: shop.plan,
    plan_name: shop.plan.toLowerCase(),
    has_discounts: false,
    has_gift_cards: false,
    myshopify_domain: shop.domain,
    google_apps_domain: null,
    google_apps_login_enabled: null,
    money_in_emails_format: "{{amount}}",
    money_with_currency_in_emails_format: `{{amount}} ${shop.currencyCode}`,
    eligible_for_payments: true,
    requires_extra_payments_agreement: false,
    password_enabled: null,
    has_storefront: true,
    finances: true,
    primary_location_id: null,
    checkout_api_supported: true,
    multi_location_enabled: true,
    setup_required: false,
    pre_launch_enabled: false,
    enabled_presentment_currencies: [shop.currencyCode],
    marketing_sms_consent_enabled_at_checkout: false,
    transactional_sms_disabled: false,
  };
}

/** Ids of a customer's orders, for compliance bodies. */
function orderIdsOf(shop: EmuShop, customerId: bigint): bigint[] {
  const ids: bigint[] = [];
  for (const order of shop.orders.values()) if (order.customerId === customerId) ids.push(order.id);
  return ids;
}

function complianceCustomer(c: EmuCustomer): Json {
  return { id: c.id, email: c.email, phone: c.phone };
}

/** customers/data_request body. */
export function customersDataRequestBody(shop: EmuShop, c: EmuCustomer, dataRequestId: bigint): Json {
  return {
    shop_id: shop.id,
    shop_domain: shop.domain,
    customer: complianceCustomer(c),
    orders_requested: orderIdsOf(shop, c.id),
    data_request: { id: dataRequestId },
  };
}

/** customers/redact body. */
export function customersRedactBody(shop: EmuShop, c: EmuCustomer): Json {
  return {
    shop_id: shop.id,
    shop_domain: shop.domain,
    customer: complianceCustomer(c),
    orders_to_redact: orderIdsOf(shop, c.id),
  };
}

/** shop/redact body. */
export function shopRedactBody(shop: EmuShop): Json {
  return { shop_id: shop.id, shop_domain: shop.domain };
}
