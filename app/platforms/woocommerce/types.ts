/**
 * WooCommerce REST v3 bodies as a WooCommerce 11 store sends them (only the fields this app reads; real bodies carry
 * many more). Shapes checked against the captures of a real 11.0.1 store (see mapping.test.ts). Money is a decimal
 * string, except a line item's unit `price`, which is a JSON number. Dates come in site time and, with `_gmt`, in UTC
 * without a zone designator ("2026-11-24T04:36:29"), to the second.
 */

/**
 * A record id: a JSON number, or — above 2^53, where a double cannot hold it — the decimal string the client's
 * lossless parse (app/lib/json-lossless.ts) makes of it. Read it with `String()`; never do arithmetic on it.
 */
export type WooId = number | string;

export interface WooAddress {
  first_name?: string;
  last_name?: string;
  company?: string;
  email?: string | null;
  phone?: string;
}

export interface WooCustomer {
  id: WooId;
  date_created_gmt?: string | null;
  date_modified_gmt?: string | null;
  email: string;
  first_name?: string;
  last_name?: string;
  role?: string;
  username?: string;
  billing?: WooAddress;
  is_paying_customer?: boolean;
  /** Not in WooCommerce ≥ 3 bodies (REST v1 only); kept when an older store sends them. */
  orders_count?: number;
  total_spent?: string;
}

export interface WooLineItem {
  id: WooId;
  name: string;
  /** 0 once the product was deleted for good. */
  product_id: WooId;
  variation_id: WooId;
  quantity: number;
  subtotal?: string;
  total?: string;
  /** null once the product was deleted for good. */
  sku?: string | null;
  /** Unit price after discounts, a JSON number (3, 19.99, 9.5). */
  price?: number | string;
}

export interface WooRefundSummary {
  id: WooId;
  reason?: string;
  /** Negative decimal string ("-5.00"). */
  total: string;
}

export interface WooOrder {
  id: WooId;
  parent_id?: WooId;
  number?: string;
  status: string;
  currency: string;
  date_created_gmt: string | null;
  date_modified_gmt: string | null;
  date_paid_gmt?: string | null;
  date_completed_gmt?: string | null;
  total: string;
  /** 0 for a guest checkout, and for orders whose customer account was deleted. */
  customer_id: WooId;
  billing?: WooAddress;
  line_items?: WooLineItem[];
  refunds?: WooRefundSummary[];
}

export interface WooVariationAttribute {
  id?: WooId;
  name: string;
  option: string;
}

export interface WooVariation {
  id: WooId;
  date_modified_gmt?: string | null;
  sku?: string | null;
  price?: string;
  regular_price?: string;
  status?: string;
  name?: string;
  attributes?: WooVariationAttribute[];
}

export interface WooProduct {
  id: WooId;
  name: string;
  slug?: string;
  type?: string;
  status: string;
  sku?: string | null;
  price?: string;
  regular_price?: string;
  date_created_gmt?: string | null;
  date_modified_gmt: string | null;
  /** Ids of the variations of a variable product. */
  variations?: number[];
  /** A variation's product (webhook bodies of `product.updated` can be a variation). */
  parent_id?: WooId;
  brands?: Array<{ id: WooId; name: string }>;
}

/** A product as the sync source hands it to the mapping: the product body plus its variations, fetched apart. */
export interface WooProductWithVariations {
  product: WooProduct;
  variations: WooVariation[];
  /** The store's currency (products carry none). */
  currency: string | null;
}

export type WooWebhookStatus = "active" | "paused" | "disabled";

export interface WooWebhook {
  id: WooId;
  name: string;
  status: WooWebhookStatus;
  topic: string;
  resource?: string;
  event?: string;
  delivery_url: string;
  date_created_gmt?: string | null;
  date_modified_gmt?: string | null;
}

export interface WooSystemStatus {
  environment?: {
    home_url?: string;
    site_url?: string;
    version?: string;
    wp_version?: string;
  };
  settings?: {
    currency?: string;
    number_of_decimals?: number;
  };
}

/** The WordPress REST index (`GET /wp-json/`), public. */
export interface WpIndex {
  name?: string;
  description?: string;
  url?: string;
  home?: string;
  namespaces?: string[];
}

/** A WordPress / WooCommerce REST error body. */
export interface WooErrorBody {
  code: string;
  message: string;
  data?: { status?: number } | null;
}

/** Key permissions a WooCommerce REST key can have. */
export type WooKeyPermissions = "read" | "write" | "read_write";

/** What the app keeps (sealed) in `Integration.credentials` for a WooCommerce store. */
export interface WooCredentials {
  consumerKey: string;
  consumerSecret: string;
  /** As the key approval callback reported, or as learned when creating webhooks failed for lack of write access. */
  keyPermissions?: WooKeyPermissions | null;
}
