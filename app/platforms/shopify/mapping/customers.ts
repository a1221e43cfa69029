/**
 * Shopify customer (GraphQL node or bulk line) → our contact. Pure.
 *
 * Consent is mapped state for state from `defaultEmailAddress` (Shopify's CustomerEmailMarketingState); nothing is
 * ever "subscribed" unless Shopify says SUBSCRIBED. A customer without an email address cannot be emailed:
 * `not_subscribed` with no opt-in level. Customer webhooks no longer carry consent or tags (since 2025-01), so
 * webhooks are mapped from a GraphQL read of the customer, never from the REST body.
 */
import type { ContactRecord } from "../../../sync/types";
import { legacyIdOf } from "./ids";
import { requireDate, optionalDate } from "./time";
import type { ShopifyCustomerNode } from "./types";

/** CustomerEmailMarketingState → our marketing state. */
export const EMAIL_MARKETING_STATES: Readonly<Record<string, string>> = {
  SUBSCRIBED: "subscribed",
  NOT_SUBSCRIBED: "not_subscribed",
  PENDING: "pending",
  UNSUBSCRIBED: "unsubscribed",
  INVALID: "invalid",
  REDACTED: "redacted",
};

/** CustomerMarketingOptInLevel → our opt-in level. */
export const OPT_IN_LEVELS: Readonly<Record<string, string>> = {
  SINGLE_OPT_IN: "single_opt_in",
  CONFIRMED_OPT_IN: "confirmed_opt_in",
  UNKNOWN: "unknown",
};

/**
 * Our marketing state for a Shopify state. A value this app does not know (a newer API version's) is kept out of
 * "subscribed": it maps to `not_subscribed` and the raw value is kept in the contact's custom fields.
 */
export function marketingStateOf(shopifyState: string | null | undefined): string {
  if (!shopifyState) return "not_subscribed";
  return EMAIL_MARKETING_STATES[shopifyState] ?? "not_subscribed";
}

export function optInLevelOf(shopifyLevel: string | null | undefined): string | null {
  if (!shopifyLevel) return null;
  return OPT_IN_LEVELS[shopifyLevel] ?? "unknown";
}

/** Maps a customer node. Throws (the record is counted as failed) when required fields are missing. */
export function mapCustomerNode(node: ShopifyCustomerNode): ContactRecord {
  if (!node?.id) throw new Error("The customer has no id.");
  const email = node.defaultEmailAddress?.emailAddress?.trim() || null;
  const consent = email ? node.defaultEmailAddress : null;
  const rawState = consent?.marketingState ?? null;
  const customFields: Record<string, unknown> = {
    shopify_id: node.legacyResourceId ?? legacyIdOf(node.id),
  };
  if (node.numberOfOrders !== undefined && node.numberOfOrders !== null) {
    customFields.orders_count = Number(node.numberOfOrders);
  }
  if (node.amountSpent) {
    // Decimal string as Shopify gives it (exact), with its currency.
    customFields.total_spent = node.amountSpent.amount;
    customFields.total_spent_currency = node.amountSpent.currencyCode;
  }
  if (node.state) customFields.shopify_state = node.state.toLowerCase();
  if (rawState && !(rawState in EMAIL_MARKETING_STATES)) customFields.shopify_marketing_state = rawState;
  return {
    externalId: node.id,
    email,
    firstName: node.firstName ?? null,
    lastName: node.lastName ?? null,
    phone: node.defaultPhoneNumber?.phoneNumber ?? null,
    tags: Array.isArray(node.tags) ? node.tags.map((t) => t.trim()).filter(Boolean) : [],
    customFields,
    marketingState: marketingStateOf(rawState),
    marketingOptInLevel: optInLevelOf(consent?.marketingOptInLevel),
    marketingUpdatedAt: optionalDate(consent?.marketingUpdatedAt, "marketingUpdatedAt"),
    externalUpdatedAt: requireDate(node.updatedAt, "updatedAt"),
  };
}
