/**
 * Shapes of the Shopify records the app reads: GraphQL nodes (page queries and bulk lines, both selected with the
 * field lists in ../queries/fields.ts) and REST-shaped webhook bodies. Only the fields the mappers use are typed.
 */

export interface ShopifyMoney {
  amount: string;
  currencyCode: string;
}

export interface ShopifyMoneyBag {
  shopMoney: ShopifyMoney;
}

export interface ShopifyCustomerNode {
  id: string;
  legacyResourceId?: string;
  firstName: string | null;
  lastName: string | null;
  state?: string | null;
  note?: string | null;
  tags: string[];
  verifiedEmail?: boolean | null;
  /** UnsignedInt64, serialized as a string. */
  numberOfOrders?: string | number | null;
  amountSpent?: ShopifyMoney | null;
  defaultEmailAddress: {
    emailAddress: string | null;
    marketingState: string | null;
    marketingOptInLevel: string | null;
    marketingUpdatedAt: string | null;
  } | null;
  defaultPhoneNumber: { phoneNumber: string | null } | null;
  createdAt?: string;
  updatedAt: string;
}

export interface ShopifyLineItemNode {
  id: string;
  title: string;
  sku: string | null;
  quantity: number;
  product: { id: string } | null;
  variant: { id: string } | null;
  originalUnitPriceSet: ShopifyMoneyBag;
}

export interface ShopifyOrderNode {
  id: string;
  legacyResourceId?: string;
  name: string;
  email: string | null;
  phone?: string | null;
  customer: { id: string } | null;
  billingAddress?: { firstName: string | null; lastName: string | null; phone: string | null } | null;
  displayFinancialStatus: string | null;
  displayFulfillmentStatus: string | null;
  currencyCode: string;
  totalPriceSet: ShopifyMoneyBag;
  totalRefundedSet?: ShopifyMoneyBag | null;
  processedAt?: string | null;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  cancelReason?: string | null;
  /** Page queries select `nodes`; bulk children (`__parentId`) are gathered into the same shape by the reader. */
  lineItems: { nodes: ShopifyLineItemNode[] };
}

export interface ShopifyVariantNode {
  id: string;
  title: string;
  sku: string | null;
  /** Money scalar: a decimal string in the shop's currency. */
  price: string | null;
  updatedAt?: string | null;
}

export interface ShopifyProductNode {
  id: string;
  legacyResourceId?: string;
  title: string;
  handle: string | null;
  status: string;
  vendor: string | null;
  productType: string | null;
  priceRangeV2?: { minVariantPrice: ShopifyMoney; maxVariantPrice: ShopifyMoney } | null;
  updatedAt: string;
  variants: { nodes: ShopifyVariantNode[] };
}

/** REST money set as webhook bodies carry it. */
export interface ShopifyRestMoneySet {
  shop_money: { amount: string; currency_code: string };
}

/** Numeric REST ids arrive as strings once parsed losslessly (json.ts) when they exceed 2^53. */
export type ShopifyRestId = number | string;

export interface ShopifyRestLineItem {
  id: ShopifyRestId;
  admin_graphql_api_id?: string;
  title: string;
  name?: string;
  sku: string | null;
  quantity: number;
  price: string;
  price_set?: ShopifyRestMoneySet | null;
  product_id: ShopifyRestId | null;
  variant_id: ShopifyRestId | null;
}

export interface ShopifyRestOrder {
  id: ShopifyRestId;
  admin_graphql_api_id?: string;
  name: string;
  email: string | null;
  contact_email?: string | null;
  phone?: string | null;
  customer?: { id: ShopifyRestId; admin_graphql_api_id?: string } | null;
  billing_address?: { first_name: string | null; last_name: string | null; phone: string | null } | null;
  financial_status: string | null;
  fulfillment_status: string | null;
  currency: string;
  total_price: string;
  total_price_set?: ShopifyRestMoneySet | null;
  processed_at?: string | null;
  created_at: string;
  updated_at: string;
  cancelled_at: string | null;
  line_items: ShopifyRestLineItem[];
}

export interface ShopifyRestVariant {
  id: ShopifyRestId;
  admin_graphql_api_id?: string;
  title: string;
  sku: string | null;
  price: string | null;
  updated_at?: string | null;
}

export interface ShopifyRestProduct {
  id: ShopifyRestId;
  admin_graphql_api_id?: string;
  title: string;
  handle: string | null;
  status: string;
  vendor: string | null;
  product_type: string | null;
  updated_at: string;
  variants: ShopifyRestVariant[];
  /** Every variant's id, the most recently updated first (the body's `variants` stop at 100). */
  variant_gids?: Array<{ admin_graphql_api_id: string; updated_at?: string }>;
}
