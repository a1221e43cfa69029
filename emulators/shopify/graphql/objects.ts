/**
 * Resolver objects: thin views over the emulator's records that graphql-js resolves with its default field
 * resolver (a method is called with `(args, context, info)`, a property is read). Fields the emulator does not
 * model resolve to null (or fail as non-null), which is acceptable for an emulator: the product's queries are all
 * covered here.
 */
import type {
  EmuCustomer,
  EmuLineItem,
  EmuOrder,
  EmuProduct,
  EmuRefund,
  EmuShop,
  EmuVariant,
  EmuWebhookSubscription,
} from "../model";
import { gid } from "../model";
import {
  centsToDecimal,
  customerTotals,
  decimalToCents,
  ordersOfCustomer,
  shopifyDecimal,
  sortValue,
  variantIndex,
  type SortKey,
} from "../seed/store";
import { PRESENTMENT_RATES, ZERO_DECIMAL_CURRENCIES } from "../seed/seed";
import { paginate, type PageArgs } from "./connection";
import { hasScope, orderVisible, type GqlContext } from "./context";
import { accessDenied } from "./errors";
import { listRecords } from "./records";

const iso = (date: Date | null): string | null =>
  date ? date.toISOString().replace(/\.\d{3}Z$/, "Z") : null;

export interface MoneyV2 {
  amount: string;
  currencyCode: string;
}

/** Converts a shop-currency amount to a presentment currency with the emulator's fixed rates. */
export function toPresentment(amount: string, currency: string): string {
  const rate = PRESENTMENT_RATES[currency] ?? 1;
  if (rate === 1) return amount;
  const cents = decimalToCents(amount);
  // Rates have at most 2 decimals: work in hundredths of a cent to stay exact, then round half up.
  const scaled = cents * BigInt(Math.round(rate * 100));
  let converted = (scaled + 50n) / 100n;
  if (ZERO_DECIMAL_CURRENCIES.has(currency)) converted = ((converted + 50n) / 100n) * 100n;
  return centsToDecimal(converted);
}

export function moneyV2(amount: string, currencyCode: string): MoneyV2 {
  return { amount: shopifyDecimal(amount), currencyCode };
}

export function moneyBag(amount: string, shopCurrency: string, presentmentCurrency: string) {
  return {
    shopMoney: moneyV2(amount, shopCurrency),
    presentmentMoney: moneyV2(toPresentment(amount, presentmentCurrency), presentmentCurrency),
  };
}

const count = (n: number) => ({ count: n, precision: "EXACT" });

export class CustomerNode {
  readonly __typename = "Customer";
  constructor(
    private readonly shop: EmuShop,
    readonly record: EmuCustomer,
  ) {}
  id() {
    return gid("Customer", this.record.id);
  }
  legacyResourceId() {
    return this.record.id.toString();
  }
  firstName() {
    return this.record.firstName;
  }
  lastName() {
    return this.record.lastName;
  }
  displayName() {
    const name = [this.record.firstName, this.record.lastName].filter(Boolean).join(" ");
    return name || this.record.email || this.record.phone || "";
  }
  email() {
    return this.record.email;
  }
  phone() {
    return this.record.phone;
  }
  note() {
    return this.record.note;
  }
  tags() {
    return this.record.tags;
  }
  state() {
    return this.record.state;
  }
  verifiedEmail() {
    return this.record.verifiedEmail;
  }
  validEmailAddress() {
    return this.record.email !== null && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(this.record.email);
  }
  locale() {
    return "en";
  }
  taxExempt() {
    return false;
  }
  taxExemptions() {
    return [];
  }
  dataSaleOptOut() {
    return false;
  }
  canDelete() {
    return this.numberOfOrders() === "0";
  }
  createdAt() {
    return iso(this.record.createdAt);
  }
  updatedAt() {
    return iso(this.record.updatedAt);
  }
  defaultEmailAddress() {
    const r = this.record;
    if (!r.email) return null;
    const consent = r.emailConsent;
    return {
      emailAddress: r.email,
      marketingState:
        consent?.marketingState === "REDACTED"
          ? "UNSUBSCRIBED"
          : (consent?.marketingState ?? "NOT_SUBSCRIBED"),
      marketingOptInLevel: consent?.marketingOptInLevel ?? null,
      marketingUpdatedAt: iso(consent?.marketingUpdatedAt ?? null),
      validFormat: this.validEmailAddress(),
      marketingUnsubscribeUrl: `https://${this.shop.domain}/unsubscribe?c=${r.id}`,
      openTrackingLevel: "UNKNOWN",
      openTrackingUrl: `https://${this.shop.domain}/open-tracking?c=${r.id}`,
      sourceLocation: null,
    };
  }
  /** Deprecated (strict mode rejects it); kept for non-strict runs. */
  emailMarketingConsent() {
    const consent = this.record.emailConsent;
    if (!this.record.email || !consent) return null;
    return {
      marketingState: consent.marketingState,
      marketingOptInLevel: consent.marketingOptInLevel,
      consentUpdatedAt: iso(consent.marketingUpdatedAt),
    };
  }
  defaultPhoneNumber() {
    const r = this.record;
    if (!r.phone) return null;
    return {
      phoneNumber: r.phone,
      marketingState: "NOT_SUBSCRIBED",
      marketingOptInLevel: null,
      marketingUpdatedAt: null,
      marketingCollectedFrom: null,
      sourceLocation: null,
    };
  }
  defaultAddress() {
    const a = this.record.defaultAddress;
    if (!a) return null;
    return {
      __typename: "MailingAddress",
      id: `gid://shopify/MailingAddress/${this.record.id}?model_name=CustomerAddress`,
      ...a,
      address2: null,
      company: null,
      countryCodeV2: a.countryCode,
      name: [a.firstName, a.lastName].filter(Boolean).join(" "),
      formatted: () =>
        [a.address1, [a.city, a.provinceCode, a.zip].filter(Boolean).join(" "), a.country].filter(Boolean),
      formattedArea: [a.city, a.province, a.country].filter(Boolean).join(", "),
      coordinatesValidated: false,
    };
  }
  addresses() {
    const a = this.defaultAddress();
    return a ? [a] : [];
  }
  numberOfOrders() {
    return String(customerTotals(this.shop).get(this.record.id)?.count ?? 0);
  }
  amountSpent() {
    const spent = customerTotals(this.shop).get(this.record.id)?.spentCents ?? 0n;
    return moneyV2(centsToDecimal(spent), this.shop.currencyCode);
  }
  lastOrder(_args: unknown, ctx: GqlContext) {
    const id = customerTotals(this.shop).get(this.record.id)?.lastOrderId;
    const order = id != null ? this.shop.orders.get(id) : undefined;
    return order && orderVisible(ctx, order.createdAt) ? new OrderNode(this.shop, order) : null;
  }
  orders(args: PageArgs & { query?: string; sortKey?: string }, ctx: GqlContext) {
    const sortKey = (
      ["UPDATED_AT", "CREATED_AT", "PROCESSED_AT"].includes(args.sortKey ?? "") ? args.sortKey : "ID"
    ) as SortKey;
    let orders = ordersOfCustomer(this.shop, this.record.id, sortKey).filter((o) =>
      orderVisible(ctx, o.createdAt),
    );
    if (args.query) {
      const allowed = new Set(listRecords(this.shop, "orders", { query: args.query }).items);
      orders = orders.filter((o) => allowed.has(o));
    }
    return paginate(
      orders,
      (o) => [sortValue(o, sortKey), o.id],
      args,
      (o) => new OrderNode(this.shop, o),
    );
  }
  statistics() {
    return { predictedSpendTier: null };
  }
}

export class LineItemNode {
  readonly __typename = "LineItem";
  constructor(
    private readonly shop: EmuShop,
    private readonly order: EmuOrder,
    readonly record: EmuLineItem,
  ) {}
  id() {
    return gid("LineItem", this.record.id);
  }
  title() {
    return this.record.title;
  }
  name() {
    return this.record.variantTitle
      ? `${this.record.title} - ${this.record.variantTitle}`
      : this.record.title;
  }
  variantTitle() {
    return this.record.variantTitle;
  }
  sku() {
    return this.record.sku;
  }
  vendor() {
    return this.record.vendor;
  }
  quantity() {
    return this.record.quantity;
  }
  currentQuantity() {
    return this.order.financialStatus === "REFUNDED" ? 0 : this.record.quantity;
  }
  unfulfilledQuantity() {
    return this.order.fulfillmentStatus === "FULFILLED" ? 0 : this.record.quantity;
  }
  nonFulfillableQuantity() {
    return 0;
  }
  refundableQuantity() {
    return this.currentQuantity();
  }
  requiresShipping() {
    return true;
  }
  taxable() {
    return true;
  }
  isGiftCard() {
    return false;
  }
  private bag(amount: string) {
    return moneyBag(amount, this.order.currency, this.order.presentmentCurrency);
  }
  originalUnitPriceSet() {
    return this.bag(this.record.price);
  }
  discountedUnitPriceSet() {
    return this.bag(this.record.price);
  }
  originalTotalSet() {
    return this.bag(centsToDecimal(decimalToCents(this.record.price) * BigInt(this.record.quantity)));
  }
  discountedTotalSet() {
    return this.originalTotalSet();
  }
  totalDiscountSet() {
    return this.bag("0.00");
  }
  product() {
    if (this.record.productId === null) return null;
    const product = this.shop.products.get(this.record.productId);
    return product ? new ProductNode(this.shop, product) : null;
  }
  variant() {
    if (this.record.variantId === null) return null;
    const hit = variantIndex(this.shop).get(this.record.variantId);
    return hit ? new VariantNode(this.shop, hit.product, hit.variant) : null;
  }
  customAttributes() {
    return [];
  }
  discountAllocations() {
    return [];
  }
  taxLines() {
    return [];
  }
  duties() {
    return [];
  }
}

export class RefundNode {
  readonly __typename = "Refund";
  constructor(
    private readonly shop: EmuShop,
    private readonly parentOrder: EmuOrder,
    readonly record: EmuRefund,
  ) {}
  id() {
    return gid("Refund", this.record.id);
  }
  legacyResourceId() {
    return this.record.id.toString();
  }
  createdAt() {
    return iso(this.record.createdAt);
  }
  updatedAt() {
    return iso(this.record.createdAt);
  }
  note() {
    return this.record.note;
  }
  totalRefundedSet() {
    return moneyBag(this.record.amount, this.parentOrder.currency, this.parentOrder.presentmentCurrency);
  }
  order() {
    return new OrderNode(this.shop, this.parentOrder);
  }
}

export class OrderNode {
  readonly __typename = "Order";
  constructor(
    private readonly shop: EmuShop,
    readonly record: EmuOrder,
  ) {}
  private bag(amount: string) {
    return moneyBag(amount, this.record.currency, this.record.presentmentCurrency);
  }
  id() {
    return gid("Order", this.record.id);
  }
  legacyResourceId() {
    return this.record.id.toString();
  }
  name() {
    return this.record.name;
  }
  email() {
    return this.record.email;
  }
  phone() {
    return this.record.phone;
  }
  note() {
    return this.record.note;
  }
  tags() {
    return this.record.tags;
  }
  test() {
    return this.record.test;
  }
  confirmed() {
    return true;
  }
  closed() {
    return this.record.closedAt !== null;
  }
  currencyCode() {
    return this.record.currency;
  }
  presentmentCurrencyCode() {
    return this.record.presentmentCurrency;
  }
  displayFinancialStatus() {
    return this.record.financialStatus;
  }
  displayFulfillmentStatus() {
    return this.record.fulfillmentStatus;
  }
  fullyPaid() {
    return ["PAID", "PARTIALLY_REFUNDED", "REFUNDED"].includes(this.record.financialStatus);
  }
  unpaid() {
    return ["PENDING", "AUTHORIZED", "EXPIRED"].includes(this.record.financialStatus);
  }
  cancelledAt() {
    return iso(this.record.cancelledAt);
  }
  cancelReason() {
    return this.record.cancelReason;
  }
  closedAt() {
    return iso(this.record.closedAt);
  }
  processedAt() {
    return iso(this.record.processedAt);
  }
  createdAt() {
    return iso(this.record.createdAt);
  }
  updatedAt() {
    return iso(this.record.updatedAt);
  }
  /** Customer data needs read_customers even when reached through an order (Shopify: ACCESS_DENIED). */
  customer(_args: unknown, ctx: GqlContext) {
    if (!hasScope(ctx.access, "read_customers")) throw accessDenied("customer", "read_customers");
    if (this.record.customerId === null) return null;
    const customer = this.shop.customers.get(this.record.customerId);
    return customer ? new CustomerNode(this.shop, customer) : null;
  }
  totalPriceSet() {
    return this.bag(this.record.totalPrice);
  }
  currentTotalPriceSet() {
    return this.bag(centsToDecimal(decimalToCents(this.record.totalPrice) - this.refundedCents()));
  }
  originalTotalPriceSet() {
    return this.bag(this.record.totalPrice);
  }
  subtotalPriceSet() {
    return this.bag(this.record.subtotalPrice);
  }
  currentSubtotalPriceSet() {
    return this.bag(this.record.subtotalPrice);
  }
  totalTaxSet() {
    return this.bag(this.record.totalTax);
  }
  currentTotalTaxSet() {
    return this.bag(this.record.totalTax);
  }
  totalShippingPriceSet() {
    return this.bag(this.record.totalShipping);
  }
  totalDiscountsSet() {
    return this.bag(this.record.totalDiscounts);
  }
  currentTotalDiscountsSet() {
    return this.bag(this.record.totalDiscounts);
  }
  private refundedCents(): bigint {
    return this.record.refunds.reduce((sum, r) => sum + decimalToCents(r.amount), 0n);
  }
  totalRefundedSet() {
    return this.bag(centsToDecimal(this.refundedCents()));
  }
  netPaymentSet() {
    return this.bag(centsToDecimal(decimalToCents(this.record.totalPrice) - this.refundedCents()));
  }
  subtotalLineItemsQuantity() {
    return this.record.lineItems.reduce((sum, li) => sum + li.quantity, 0);
  }
  lineItems(args: PageArgs) {
    const order = this.record;
    return paginate(
      order.lineItems,
      (li) => [li.id, li.id],
      args,
      (li) => new LineItemNode(this.shop, order, li),
    );
  }
  refunds(args: { first?: number | null }) {
    const refunds = args.first != null ? this.record.refunds.slice(0, args.first) : this.record.refunds;
    return refunds.map((r) => new RefundNode(this.shop, this.record, r));
  }
  paymentGatewayNames() {
    return ["bogus"];
  }
  discountCodes() {
    return [];
  }
  customAttributes() {
    return [];
  }
  taxLines() {
    return [];
  }
}

export class VariantNode {
  readonly __typename = "ProductVariant";
  constructor(
    private readonly shop: EmuShop,
    private readonly productRecord: EmuProduct,
    readonly record: EmuVariant,
  ) {}
  id() {
    return gid("ProductVariant", this.record.id);
  }
  legacyResourceId() {
    return this.record.id.toString();
  }
  title() {
    return this.record.title;
  }
  displayName() {
    return `${this.productRecord.title} - ${this.record.title}`;
  }
  sku() {
    return this.record.sku;
  }
  barcode() {
    return null;
  }
  price() {
    return shopifyDecimal(this.record.price);
  }
  compareAtPrice() {
    return this.record.compareAtPrice === null ? null : shopifyDecimal(this.record.compareAtPrice);
  }
  position() {
    return this.record.position;
  }
  inventoryQuantity() {
    return this.record.inventoryQuantity;
  }
  availableForSale() {
    return this.productRecord.status === "ACTIVE" && this.record.inventoryQuantity > 0;
  }
  taxable() {
    return true;
  }
  selectedOptions() {
    return this.record.title === "Default Title"
      ? [{ name: "Title", value: "Default Title" }]
      : [{ name: "Option", value: this.record.title }];
  }
  createdAt() {
    return iso(this.record.createdAt);
  }
  updatedAt() {
    return iso(this.record.updatedAt);
  }
  product() {
    return new ProductNode(this.shop, this.productRecord);
  }
}

export class ProductNode {
  readonly __typename = "Product";
  constructor(
    private readonly shop: EmuShop,
    readonly record: EmuProduct,
  ) {}
  id() {
    return gid("Product", this.record.id);
  }
  legacyResourceId() {
    return this.record.id.toString();
  }
  title() {
    return this.record.title;
  }
  handle() {
    return this.record.handle;
  }
  descriptionHtml() {
    return this.record.descriptionHtml;
  }
  bodyHtml() {
    return this.record.descriptionHtml;
  }
  description(args: { truncateAt?: number | null }) {
    const text = this.record.descriptionHtml.replace(/<[^>]*>/g, "");
    return args.truncateAt != null ? text.slice(0, args.truncateAt) : text;
  }
  vendor() {
    return this.record.vendor;
  }
  productType() {
    return this.record.productType;
  }
  status() {
    return this.record.status;
  }
  tags() {
    return this.record.tags;
  }
  isGiftCard() {
    return false;
  }
  hasOnlyDefaultVariant() {
    return this.record.variants.length === 1 && this.record.variants[0].title === "Default Title";
  }
  totalInventory() {
    return this.record.variants.reduce((sum, v) => sum + v.inventoryQuantity, 0);
  }
  tracksInventory() {
    return true;
  }
  createdAt() {
    return iso(this.record.createdAt);
  }
  updatedAt() {
    return iso(this.record.updatedAt);
  }
  publishedAt() {
    return iso(this.record.publishedAt);
  }
  variantsCount() {
    return count(this.record.variants.length);
  }
  variants(args: PageArgs) {
    const product = this.record;
    return paginate(
      product.variants,
      (v) => [v.position, v.id],
      args,
      (v) => new VariantNode(this.shop, product, v),
    );
  }
  seo() {
    return { title: null, description: null };
  }
}

export class WebhookSubscriptionNode {
  readonly __typename = "WebhookSubscription";
  constructor(readonly record: EmuWebhookSubscription) {}
  id() {
    return gid("WebhookSubscription", this.record.id);
  }
  legacyResourceId() {
    return this.record.id.toString();
  }
  topic() {
    return this.record.topic;
  }
  format() {
    return this.record.format;
  }
  uri() {
    return this.record.uri;
  }
  name() {
    return this.record.name ?? null;
  }
  /** Deprecated since 2025-10 (strict mode rejects it on 2026-07): `uri`. */
  callbackUrl() {
    return this.record.uri;
  }
  /** Deprecated since 2025-10 (strict mode rejects it on 2026-07): `uri`. */
  endpoint() {
    const uri = this.record.uri;
    if (uri.startsWith("pubsub://")) {
      const [project, topic] = uri.slice("pubsub://".length).split(":");
      return { __typename: "WebhookPubSubEndpoint", pubSubProject: project, pubSubTopic: topic };
    }
    if (uri.startsWith("arn:")) return { __typename: "WebhookEventBridgeEndpoint", arn: uri };
    return { __typename: "WebhookHttpEndpoint", callbackUrl: uri };
  }
  includeFields() {
    return [];
  }
  metafieldNamespaces() {
    return [];
  }
  filter() {
    return null;
  }
  apiVersion() {
    return { handle: this.record.apiVersion, displayName: this.record.apiVersion, supported: true };
  }
  createdAt() {
    return iso(this.record.createdAt);
  }
  updatedAt() {
    return iso(this.record.updatedAt);
  }
}

export class ShopNode {
  readonly __typename = "Shop";
  constructor(private readonly shop: EmuShop) {}
  id() {
    return gid("Shop", this.shop.id);
  }
  name() {
    return this.shop.name;
  }
  email() {
    return this.shop.email;
  }
  contactEmail() {
    return this.shop.email;
  }
  myshopifyDomain() {
    return this.shop.domain;
  }
  url() {
    return `https://${this.shop.domain}`;
  }
  currencyCode() {
    return this.shop.currencyCode;
  }
  enabledPresentmentCurrencies() {
    return Object.keys(PRESENTMENT_RATES);
  }
  ianaTimezone() {
    return this.shop.ianaTimezone;
  }
  timezoneAbbreviation() {
    return "EST";
  }
  timezoneOffset() {
    return "-0500";
  }
  timezoneOffsetMinutes() {
    return -300;
  }
  plan() {
    const name = this.shop.plan === "Standard" ? "Shopify" : this.shop.plan;
    return {
      publicDisplayName: name,
      /** Deprecated on 2026-07: `publicDisplayName`. */
      displayName: name,
      partnerDevelopment: false,
      shopifyPlus: this.shop.plan === "Plus" || this.shop.plan === "Enterprise",
    };
  }
  primaryDomain() {
    return {
      __typename: "Domain",
      id: gid("Domain", this.shop.id),
      host: this.shop.domain,
      url: `https://${this.shop.domain}`,
      sslEnabled: true,
    };
  }
  weightUnit() {
    return "KILOGRAMS";
  }
  unitSystem() {
    return "METRIC_SYSTEM";
  }
  taxesIncluded() {
    return false;
  }
  taxShipping() {
    return false;
  }
  setupRequired() {
    return false;
  }
  checkoutApiSupported() {
    return true;
  }
  shopOwnerName() {
    return `${this.shop.name} Owner`;
  }
  description() {
    return null;
  }
  orderNumberFormatPrefix() {
    return "#";
  }
  orderNumberFormatSuffix() {
    return "";
  }
}
