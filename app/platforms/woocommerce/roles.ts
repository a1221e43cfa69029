/**
 * Which WordPress users are the store's customers (ADR 0047 and its addendum). Pure.
 *
 * `/customers` lists WordPress users; by default only those with the `customer` role. Real stores give paying
 * customers other roles — WooCommerce Subscriptions moves a customer with an active subscription to `subscriber`
 * (and back), wholesale plugins add roles such as `wholesale_customer` — so the reader lists every role
 * (`role=all`) and keeps: everyone with the `customer` role (what WooCommerce gives a shopper who registers), and
 * anyone else who has paid for an order (`is_paying_customer`), except the people who run the store. A WordPress
 * site's other registered users (a blog's `subscriber`s who never bought) are not customers, as in WooCommerce's
 * own customer reports.
 */

/**
 * The roles that run the store: WordPress core's administrator, editor, author and contributor, and WooCommerce's
 * shop_manager. Never customers, whatever they bought.
 */
export const STAFF_ROLES: readonly string[] = [
  "administrator",
  "editor",
  "author",
  "contributor",
  "shop_manager",
];

/** What the rule reads of a user (`_fields` of the listings that apply it). */
export const CUSTOMER_RULE_FIELDS = "role,is_paying_customer";

interface UserFacts {
  id?: unknown;
  role?: unknown;
  is_paying_customer?: unknown;
}

function factsOf(user: unknown): UserFacts {
  return typeof user === "object" && user !== null ? (user as UserFacts) : {};
}

/**
 * Why this user is not a customer here, or null when they are one. A body without a `role` (not asked for) counts
 * as a customer, as before roles were read.
 */
export function notCustomerReason(user: unknown): string | null {
  const { id, role, is_paying_customer: paying } = factsOf(user);
  if (typeof role !== "string" || role === "customer") return null;
  if (STAFF_ROLES.includes(role))
    return `User ${String(id)} has the store staff role "${role}": not a customer, so not a contact.`;
  if (paying === true) return null;
  return `User ${String(id)} has the role "${role}" and has not paid for an order: not a customer, so not a contact.`;
}

/** True for a user the customer reader, the webhooks and the deletion check treat as a customer. */
export function isCustomer(user: unknown): boolean {
  return notCustomerReason(user) === null;
}
