/**
 * Customer, order and refund resolver objects (one module: a customer reaches its orders and an order its customer).
 * Resolver objects are thin views over records that graphql-js resolves with its default field resolver (a method
 * is called with `(args, context, info)`, a property is read). Fields the emulator does not model resolve to null
 * (or fail as non-null).
 */
import type { EmuAddress, EmuCustomer, EmuOrder, EmuRefund, EmuShop } from "../../model";
import { gid } from "../../model";
import type { SortKey } from "../../store/keys";
import { centsToDecimal, decimalToCents } from "../../store/money";
import { customerTotal, orderRowsOfCustomer } from "../../store/views";
import { paginate, type PageArgs } from "../connection";
import { hasScope, orderVisible, visibleSince, type GqlContext } from "../context";
import { accessDenied } from "../errors";
import { listRecords } from "../records";
import { guardProtected, iso, moneyBag, moneyV2 } from "./common";
import { LineItemNode } from "./line-item";

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
  firstName(_args?: unknown, ctx?: GqlContext) {
    guardProtected(ctx, "firstName");
    return this.record.firstName;
  }
  lastName(_args?: unknown, ctx?: GqlContext) {
    guardProtected(ctx, "lastName");
    return this.record.lastName;
  }
  displayName() {
    const name = [this.record.firstName, this.record.lastName].filter(Boolean).join(" ");
    return name || this.record.email || this.record.phone || "";
  }
  email(_args?: unknown, ctx?: GqlContext) {
    guardProtected(ctx, "email");
    return this.record.email;
  }
  phone(_args?: unknown, ctx?: GqlContext) {
    guardProtected(ctx, "phone");
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
  defaultEmailAddress(_args?: unknown, ctx?: GqlContext) {
    guardProtected(ctx, "defaultEmailAddress");
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
  defaultPhoneNumber(_args?: unknown, ctx?: GqlContext) {
    guardProtected(ctx, "defaultPhoneNumber");
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
  defaultAddress(_args?: unknown, ctx?: GqlContext) {
    guardProtected(ctx, "defaultAddress");
    const a = this.record.defaultAddress;
    return a ? mailingAddress(a, `${this.record.id}?model_name=CustomerAddress`) : null;
  }
  addresses(_args?: unknown, ctx?: GqlContext) {
    // A non-null list: without approval it is empty rather than an error.
    if (ctx?.emu.app.protectedCustomerDataApproved === false) return [];
    const a = this.defaultAddress();
    return a ? [a] : [];
  }
  numberOfOrders() {
    return String(customerTotal(this.shop, this.record.id).count);
  }
  amountSpent() {
    const spent = customerTotal(this.shop, this.record.id).spentCents;
    return moneyV2(centsToDecimal(spent), this.shop.currencyCode);
  }
  lastOrder(_args: unknown, ctx: GqlContext) {
    const id = customerTotal(this.shop, this.record.id).lastOrderId;
    const order = id != null ? this.shop.orders.get(id) : undefined;
    return order && orderVisible(ctx, order.createdAt) ? new OrderNode(this.shop, order) : null;
  }
  orders(args: PageArgs & { query?: string; sortKey?: string }, ctx: GqlContext) {
    const sortKey = (
      ["UPDATED_AT", "CREATED_AT", "PROCESSED_AT"].includes(args.sortKey ?? "") ? args.sortKey : "ID"
    ) as SortKey;
    const orders = this.shop.orders;
    const since = visibleSince(ctx, "orders");
    let rows = orderRowsOfCustomer(this.shop, this.record.id, sortKey).filter(
      (row) => since === null || (orders.sortValue(row, "CREATED_AT") as number) >= since,
    );
    if (args.query) {
      const allowed = new Set(Array.from(listRecords(this.shop, "orders", { query: args.query }).rows));
      rows = rows.filter((row) => allowed.has(row));
    }
    return paginate(
      rows,
      (row) => orders.keyOf(row, sortKey),
      args,
      (row) => new OrderNode(this.shop, orders.record(row)),
    );
  }
  statistics() {
    return { predictedSpendTier: null };
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

/** A `MailingAddress` object of an emulated address; `id` is what follows `gid://shopify/MailingAddress/`. */
function mailingAddress(a: EmuAddress, id: string) {
  return {
    __typename: "MailingAddress",
    id: `gid://shopify/MailingAddress/${id}`,
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
  email(_args?: unknown, ctx?: GqlContext) {
    guardProtected(ctx, "email");
    return this.record.email;
  }
  phone(_args?: unknown, ctx?: GqlContext) {
    guardProtected(ctx, "phone");
    return this.record.phone;
  }
  /** The customer's default address, as the order's webhook body carries it (none for a guest checkout). */
  billingAddress(_args?: unknown, ctx?: GqlContext) {
    guardProtected(ctx, "billingAddress");
    const customer =
      this.record.customerId === null ? undefined : this.shop.customers.get(this.record.customerId);
    const a = customer?.defaultAddress;
    return a ? mailingAddress(a, `${this.record.id}?model_name=Address`) : null;
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
