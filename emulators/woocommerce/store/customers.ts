/**
 * Customer (WordPress user) mutations. Deleting a user turns their orders into guest orders, as a real store does:
 * `customer_id` becomes 0 and the orders' `date_modified` moves, without any order webhook. A user's role changes
 * only through `setRole` (the REST API's `role` is read-only).
 */
import { RestError } from "../errors";
import { isEmail } from "../php";
import { applyMeta, emitCreated, mergeAddress, str } from "./input";
import { emptyAddress, type EmulatedWooCustomer } from "./records";
import type { StoreInput, WooStore } from "./store";

/** WooCommerce's 404 for a user id that does not exist (any customers/{id} route). */
export function unknownUser(): RestError {
  return new RestError(404, "wc_user_invalid_id", "Invalid user ID.");
}

/**
 * WC_Customer::set_email's refusal. The REST route's argument check (rest_invalid_email) answers first; this one
 * shows where that check does not run — batch items and the control API.
 */
function invalidEmail(): RestError {
  return new RestError(400, "customer_invalid_email", "Invalid email address");
}

function mustGetUser(store: WooStore, id: number): EmulatedWooCustomer {
  const user = store.user(id);
  if (!user) throw unknownUser();
  return user;
}

function assertEmailFree(store: WooStore, email: string, exceptId: number): void {
  const lower = email.toLowerCase();
  for (const users of [store.customers, store.staff]) {
    for (const user of users.values()) {
      if (user.id !== exceptId && user.email.toLowerCase() === lower) {
        throw new RestError(
          400,
          "registration-error-email-exists",
          'An account is already registered with your email address. <a href="#" class="showlogin">Please log in.</a>',
        );
      }
    }
  }
}

function assertUsernameFree(store: WooStore, username: string): void {
  for (const users of [store.customers, store.staff]) {
    for (const user of users.values()) {
      if (user.username === username) {
        throw new RestError(
          400,
          "registration-error-username-exists",
          "An account is already registered with that username. Please choose another.",
        );
      }
    }
  }
}

/**
 * The `display_name` `wp_insert_user` gives a new user created with these names: "First Last", else the one name
 * given, else the login.
 */
export function wpDisplayName(username: string, first: string, last: string): string {
  if (first && last) return `${first} ${last}`;
  return first || last || username;
}

/**
 * The `user_nicename` `wp_insert_user` gives a user with this login: `sanitize_title` of its first 50 characters
 * (accents removed, lower case, dots and spaces to hyphens, other characters dropped, hyphens folded). WordPress
 * adds "-2", "-3"… when another user holds the same nicename; the emulator does not.
 */
export function wpNicename(username: string): string {
  return [...username]
    .slice(0, 50)
    .join("")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/\./g, "-")
    .replace(/[^a-z0-9 _-]/g, "")
    .replace(/\s+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * Registers a customer (`wc_create_new_customer`); fires customer.created and customer.updated. Its display name is
 * the username: WC_Customer_Data_Store::create registers the login without names, then calls `wp_update_user` with
 * the customer's empty `display_name`, and `wp_insert_user` on an update fills an empty one with the login.
 */
export function createCustomer(store: WooStore, input: StoreInput): EmulatedWooCustomer {
  if (input.id)
    throw new RestError(400, "woocommerce_rest_customer_exists", "Cannot create existing resource.");
  const email = str(input.email).trim();
  if (!email)
    throw new RestError(400, "rest_missing_callback_param", "Missing parameter(s): email", {
      params: ["email"],
    });
  if (!isEmail(email)) throw invalidEmail();
  assertEmailFree(store, email, 0);
  const username =
    str(input.username) || email.split("@")[0].replace(/[^a-z0-9._-]/gi, "") || `user${store.ids.user}`;
  assertUsernameFree(store, username);
  const now = store.nowMs();
  const customer: EmulatedWooCustomer = {
    id: store.ids.user++,
    createdMs: now,
    modifiedMs: now,
    email,
    firstName: str(input.first_name),
    lastName: str(input.last_name),
    username,
    displayName: username,
    role: "customer",
    billing: emptyAddress(true),
    shipping: emptyAddress(false),
    isPayingCustomer: false,
    metaData: [],
  };
  mergeAddress(customer.billing, input.billing);
  mergeAddress(customer.shipping, input.shipping);
  applyMeta(store, customer.metaData, input.meta_data);
  store.customers.set(customer.id, customer);
  store.version++;
  emitCreated(store, "customer", customer.id);
  return customer;
}

/** Updates any user (customers/{id} edits staff too); fires customer.updated. */
export function updateCustomer(store: WooStore, id: number, input: StoreInput): EmulatedWooCustomer {
  const customer = mustGetUser(store, id);
  if (input.email !== undefined) {
    const email = str(input.email).trim();
    if (email && !isEmail(email)) throw invalidEmail();
    assertEmailFree(store, email, id);
    customer.email = email;
  }
  if (input.username !== undefined && str(input.username) !== customer.username) {
    throw new RestError(400, "woocommerce_rest_customer_invalid_argument", "Username isn't editable.");
  }
  if (input.first_name !== undefined) customer.firstName = str(input.first_name);
  if (input.last_name !== undefined) customer.lastName = str(input.last_name);
  mergeAddress(customer.billing, input.billing);
  mergeAddress(customer.shipping, input.shipping);
  applyMeta(store, customer.metaData, input.meta_data);
  customer.modifiedMs = store.nowMs();
  store.version++;
  store.emit({ topic: "customer.updated", resourceId: id });
  return customer;
}

/** How a role change reaches WordPress (ADR 0047). */
export type RoleChange =
  /**
   * `WP_User::set_role()`: what WooCommerce Subscriptions, wholesale plugins and the Users screen's bulk "Change role
   * to…" call. Only the capabilities meta changes: no `profile_update`, so no customer.updated and no new
   * `date_modified` (WooCommerce's `last_update` follows profile updates and name/address meta only).
   */
  | "set_role"
  /** `wp_update_user()` (a user's own edit screen): `profile_update` moves `date_modified` and fires customer.updated. */
  | "profile_update";

/** Gives a user another role; the user moves between the customers and the other users. */
export function setRole(store: WooStore, id: number, role: string, via: RoleChange): EmulatedWooCustomer {
  const user = mustGetUser(store, id);
  user.role = role;
  store.customers.delete(id);
  store.staff.delete(id);
  (role === "customer" ? store.customers : store.staff).set(id, user);
  if (via === "profile_update") {
    user.modifiedMs = store.nowMs();
    store.emit({ topic: "customer.updated", resourceId: id });
  }
  store.version++;
  return user;
}

/**
 * Deletes a user for good (there is no trash for users). `delete_user` fires customer.deleted before the row goes —
 * only for a user with the `customer` role (`WC_Webhook::is_valid_user_action`): a subscriber's or a shop manager's
 * deletion sends nothing —, so the delivery carries `{id}` only; then every order of theirs becomes a guest order
 * with a new date_modified — silently, no order.updated.
 */
export function deleteCustomer(store: WooStore, id: number): EmulatedWooCustomer {
  const customer = mustGetUser(store, id);
  if (customer.role === "customer") store.emit({ topic: "customer.deleted", resourceId: id });
  store.customers.delete(id);
  store.staff.delete(id);
  const now = store.nowMs();
  for (const order of store.orders.values()) {
    if (order.customerId !== id) continue;
    order.customerId = 0;
    order.modifiedMs = now;
  }
  store.version++;
  return customer;
}
