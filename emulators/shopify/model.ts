/**
 * The Shopify emulator's in-memory data model and the contract between its parts:
 * - core (server.ts, graphql/, data/, bulk/, control API) owns shops and their records;
 * - auth/ (OAuth, token exchange, refresh, token store) and webhooks/ (dispatcher, REST bodies, retries, faults)
 *   and admin/ (mini admin page, App Bridge stand-in) plug in through `EmulatorContext`.
 *
 * Ids: numeric ids are bigint (Shopify ids can exceed 2^53); the GID is derived: gid://shopify/<Type>/<id>.
 * Money: decimal strings exactly as Shopify shows them ("19.99"). Times: Date in UTC.
 */

import type { RecordTable } from "./store/table";

export type Money = string;

export interface EmuMarketingConsent {
  /** Shopify CustomerEmailMarketingState: NOT_SUBSCRIBED | PENDING | SUBSCRIBED | UNSUBSCRIBED | REDACTED | INVALID */
  marketingState: "NOT_SUBSCRIBED" | "PENDING" | "SUBSCRIBED" | "UNSUBSCRIBED" | "REDACTED" | "INVALID";
  /** CustomerMarketingOptInLevel: SINGLE_OPT_IN | CONFIRMED_OPT_IN | UNKNOWN, or null */
  marketingOptInLevel: "SINGLE_OPT_IN" | "CONFIRMED_OPT_IN" | "UNKNOWN" | null;
  marketingUpdatedAt: Date | null;
}

export interface EmuAddress {
  firstName: string | null;
  lastName: string | null;
  address1: string | null;
  city: string | null;
  province: string | null;
  provinceCode: string | null;
  country: string | null;
  countryCode: string | null;
  zip: string | null;
  phone: string | null;
}

export interface EmuCustomer {
  id: bigint;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  tags: string[];
  note: string | null;
  state: "DISABLED" | "INVITED" | "ENABLED" | "DECLINED";
  verifiedEmail: boolean;
  emailConsent: EmuMarketingConsent | null;
  defaultAddress: EmuAddress | null;
  currency: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface EmuLineItem {
  id: bigint;
  title: string;
  variantTitle: string | null;
  sku: string | null;
  quantity: number;
  /** Unit price in the shop currency. */
  price: Money;
  productId: bigint | null;
  variantId: bigint | null;
  vendor: string | null;
}

export interface EmuRefund {
  id: bigint;
  createdAt: Date;
  amount: Money;
  note: string | null;
}

export interface EmuOrder {
  id: bigint;
  /** Display name, e.g. "#1001". */
  name: string;
  number: number;
  email: string | null;
  phone: string | null;
  /** null for guest checkouts without a customer account. */
  customerId: bigint | null;
  currency: string;
  presentmentCurrency: string;
  subtotalPrice: Money;
  totalTax: Money;
  totalShipping: Money;
  totalDiscounts: Money;
  totalPrice: Money;
  /** OrderDisplayFinancialStatus: PENDING | AUTHORIZED | PARTIALLY_PAID | PAID | PARTIALLY_REFUNDED | REFUNDED | VOIDED | EXPIRED */
  financialStatus: string;
  /** OrderDisplayFulfillmentStatus: UNFULFILLED | PARTIALLY_FULFILLED | FULFILLED | RESTOCKED | PENDING_FULFILLMENT | OPEN | IN_PROGRESS | ON_HOLD | SCHEDULED | REQUEST_DECLINED */
  fulfillmentStatus: string;
  tags: string[];
  note: string | null;
  lineItems: EmuLineItem[];
  refunds: EmuRefund[];
  test: boolean;
  cancelledAt: Date | null;
  cancelReason: string | null;
  closedAt: Date | null;
  processedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface EmuVariant {
  id: bigint;
  productId: bigint;
  title: string;
  sku: string | null;
  price: Money;
  compareAtPrice: Money | null;
  position: number;
  inventoryQuantity: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface EmuProduct {
  id: bigint;
  title: string;
  handle: string;
  descriptionHtml: string;
  vendor: string;
  productType: string;
  /** ProductStatus: ACTIVE | ARCHIVED | DRAFT */
  status: "ACTIVE" | "ARCHIVED" | "DRAFT";
  tags: string[];
  variants: EmuVariant[];
  createdAt: Date;
  updatedAt: Date;
  publishedAt: Date | null;
}

export interface EmuWebhookSubscription {
  id: bigint;
  /** GraphQL enum form, e.g. CUSTOMERS_CREATE; REST topic is customers/create. */
  topic: string;
  /** The endpoint (`uri` from 2026-07; `callbackUrl`/`endpoint` before, deprecated since): https://, pubsub:// or arn:. */
  uri: string;
  /** Optional name (2026-07). */
  name?: string | null;
  format: "JSON";
  /** "graphql" (created with webhookSubscriptionCreate) or "toml" (declared in shopify.app.toml). */
  source: "graphql" | "toml";
  apiVersion: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface EmuShop {
  /** e.g. demo.myshopify.com */
  domain: string;
  id: bigint;
  name: string;
  email: string;
  currencyCode: string;
  ianaTimezone: string;
  /** Plan name drives the default throttle restore rate (Standard 100/s, Advanced 200, Plus 1000, Enterprise 2000). */
  plan: "Basic" | "Standard" | "Advanced" | "Plus" | "Enterprise";
  /** Seeded records are generated on demand; see store/table.ts. Reads look like a Map. */
  customers: RecordTable<EmuCustomer>;
  orders: RecordTable<EmuOrder>;
  products: RecordTable<EmuProduct>;
  webhookSubscriptions: Map<bigint, EmuWebhookSubscription>;
  /** What seeding knows about its generated rows (null for shops without seeded records). */
  seeded: SeededFacts | null;
  /** Whether the app is installed (false after uninstall). */
  installed: boolean;
  /** Next id for any object in this shop (monotonic). */
  nextId: bigint;
}

/** Per seeded order row, what totals and per-customer views need, computed once without generating records. */
export interface OrderFacts {
  /** The seeded customer row of the order, -1 for a guest order. */
  customerRow: Int32Array;
  totalCents: Float64Array;
  /** 1 when cancelled (not counted in amountSpent). */
  cancelled: Uint8Array;
}

/** What seeding knows about a shop's generated rows. */
export interface SeededFacts {
  orderFacts(): OrderFacts;
  /** The seeded product row and variant index behind a variant id, or null. */
  variantSlot(variantId: bigint): { productRow: number; index: number } | null;
}

/** A webhook as Shopify delivers it: REST-style JSON body plus headers (computed by the dispatcher). */
export interface EmittedWebhook {
  shop: string;
  /** REST form, e.g. "customers/update". */
  topic: string;
  body: unknown;
  /** Event id shared by duplicates of the same event. */
  eventId?: string;
}

/** The token store's view of an access token. */
export interface AccessTokenInfo {
  shop: string;
  scopes: string[];
  /** "offline" | "online" */
  kind: "offline" | "online";
  expiresAt: Date | null;
}

export interface TokenStoreLike {
  /** Issues a token (also used by POST /_emulator/tokens). */
  issue(input: { shop: string; scopes: string[]; kind?: "offline" | "online"; expiresInS?: number }): {
    accessToken: string;
    info: AccessTokenInfo;
  };
  /** Null when unknown, revoked or expired. */
  verify(accessToken: string): AccessTokenInfo | null;
  revokeShop(shop: string): void;
}

export interface WebhookDispatcherLike {
  /** The app's configured webhook API version, used by every delivery (when the dispatcher knows it). */
  readonly apiVersion?: string;
  /** Queues delivery of a data change to every subscription of `shop` for `topic`. Never throws. */
  emit(event: EmittedWebhook): void;
  /** Sends everything due now (tests), returns when the queue is idle. */
  flush(): Promise<void>;
  /** Delivery log for GET /_emulator/deliveries. */
  deliveries(): unknown[];
  close(): Promise<void>;
}

/** One built admin UI extension bundle: an IIFE that calls `shopify.extend(target, fn)`. */
export interface AdminExtensionConfig {
  handle: string;
  target: string;
  /** Path of the bundle on disk. */
  file: string;
}

export interface EmulatorAppConfig {
  apiKey: string;
  apiSecret: string;
  /** The app's URL (OAuth redirect base, admin iframe src). */
  appUrl: string;
  /** Handle used by /admin/apps/{handle}. */
  appHandle: string;
  scopes: string[];
  /**
   * Whether the app is approved for protected customer data (default true). false: customer name, email, phone
   * and address fields resolve to null with ACCESS_DENIED errors, customers/orders webhook topics are refused.
   */
  protectedCustomerDataApproved?: boolean;
  /**
   * The app's built admin UI extensions (what `shopify app deploy` would upload): the mini admin's customer page
   * runs the blocks of `admin.customer-details.block.render` (see admin/extension-host.ts).
   */
  adminExtensions?: AdminExtensionConfig[];
}

export interface EmulatorContext {
  /** Base URL of the emulator, e.g. http://127.0.0.1:4100 */
  baseUrl: string;
  app: EmulatorAppConfig;
  shops: Map<string, EmuShop>;
  tokens: TokenStoreLike;
  webhooks: WebhookDispatcherLike;
  /** Resolves the shop a request is for: X-Emulated-Shop header, else demo.myshopify.com. */
  shopFor(headers: Record<string, string | string[] | undefined>): EmuShop | undefined;
  now(): Date;
}

export const DEFAULT_SHOP = "demo.myshopify.com";

export function gid(type: string, id: bigint): string {
  return `gid://shopify/${type}/${id.toString()}`;
}

/** Allocates the next id for a record created in `shop` (shared by every object type, like Shopify's global ids). */
export function allocateId(shop: EmuShop): bigint {
  const id = shop.nextId;
  shop.nextId += 1n;
  return id;
}

export function parseGid(value: string): { type: string; id: bigint } | null {
  const m = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)$/.exec(value);
  return m ? { type: m[1], id: BigInt(m[2]) } : null;
}
