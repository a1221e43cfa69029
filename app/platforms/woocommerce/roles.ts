/**
 * Which WordPress users are the store's customers (ADR 0047). Pure.
 *
 * `/customers` lists WordPress users; by default only those with the `customer` role. Real stores give paying
 * customers other roles — WooCommerce Subscriptions moves a customer with an active subscription to `subscriber`
 * (and back), wholesale plugins add roles such as `wholesale_customer`, a plain WordPress registration makes a
 * `subscriber` — so the reader lists every role (`role=all`) and leaves out only the people who run the store.
 */

/**
 * The roles that run the store: WordPress core's administrator, editor, author and contributor, and WooCommerce's
 * shop_manager. Core's fifth role, `subscriber`, is a customer's role (WooCommerce Subscriptions, registrations).
 * Anyone else — customer, subscriber, a plugin's custom role, no role — is a customer.
 */
export const STAFF_ROLES: readonly string[] = [
  "administrator",
  "editor",
  "author",
  "contributor",
  "shop_manager",
];

/** True for a user the customer reader, the webhooks and the deletion check leave out (the REST body's `role`). */
export function isStaff(user: unknown): boolean {
  const role = typeof user === "object" && user !== null ? (user as { role?: unknown }).role : undefined;
  return typeof role === "string" && STAFF_ROLES.includes(role);
}

/** The reason a delivery or record about a staff user is left out. */
export function staffReason(id: string, role: string): string {
  return `User ${id} has the store staff role "${role}": not a customer, so not a contact.`;
}
