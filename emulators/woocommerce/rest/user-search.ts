/**
 * Which users `/customers?search=` and `?email=` find, as WooCommerce's customers controller and WordPress's
 * `WP_User_Query` find them (ADR 0061 addendum):
 *
 * - `WC_REST_Customers_V1_Controller::get_items` (which v2 and v3 inherit) passes a non-empty `search` as `*term*`.
 *   A non-empty `email` replaces it: the email itself, searched in `user_email` only.
 * - `WP_User_Query::prepare_query` trims the term, notes a leading and a trailing `*` (wildcards) and strips them,
 *   then picks the columns from what is left: a term with `@` → `user_email`; a numeric one → `user_login` and
 *   `ID`; one starting `http://` or `https://` → `user_url`; any other → `user_login`, `user_url`, `user_email`,
 *   `user_nicename` and `display_name`.
 * - `get_search_sql` matches each column with `LIKE` (`esc_like`: `%` and `_` in the term are literal, the wildcards
 *   become `%`), and `ID` with `=`. MySQL compares under WordPress's utf8mb4_unicode_520_ci collation: letter case
 *   and accents ignored.
 *
 * The emulator's users have no website, so `user_url` is empty and matches no term.
 */
import { wpNicename } from "../store/customers";
import type { EmulatedWooCustomer } from "../store/records";

/** A string as utf8mb4_unicode_520_ci compares it, near enough: letter case and accents ignored. */
export function collationKey(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
}

/** PHP's `is_numeric` (PHP 8): optional sign, digits with an optional fraction or exponent, surrounding space. */
function isPhpNumeric(text: string): boolean {
  return /^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?[ \t\n\r\v\f]*$/.test(text);
}

/** PHP's `empty()` on a request string: "" and "0" are empty. */
function phpEmpty(text: string | undefined): boolean {
  return text === undefined || text === "" || text === "0";
}

type Column = "ID" | "user_login" | "user_email" | "user_url" | "user_nicename" | "display_name";

/** The value of a column for `LIKE` (`ID` is compared apart). */
function columnText(user: EmulatedWooCustomer, column: Exclude<Column, "ID">): string {
  switch (column) {
    case "user_login":
      return user.username;
    case "user_email":
      return user.email;
    case "user_url":
      return "";
    case "user_nicename":
      return wpNicename(user.username);
    case "display_name":
      return user.displayName;
  }
}

/** `WP_User_Query`'s `search` (with `search_columns` when given): a test of one user, or null for no filter. */
function userQuerySearch(
  search: string,
  searchColumns?: Column[],
): ((user: EmulatedWooCustomer) => boolean) | null {
  // PHP's trim() strips these; `if ( $search )` then skips "" and "0".
  let term = search.replace(/^[ \t\n\r\0\v]+|[ \t\n\r\0\v]+$/g, "");
  if (term === "" || term === "0") return null;
  const leading = term.startsWith("*");
  const trailing = term.endsWith("*");
  if (leading || trailing) term = term.replace(/^\*+|\*+$/g, "");
  const columns: Column[] =
    searchColumns ??
    (term.includes("@")
      ? ["user_email"]
      : isPhpNumeric(term)
        ? ["user_login", "ID"]
        : /^https?:\/\//.test(term)
          ? ["user_url"]
          : ["user_login", "user_url", "user_email", "user_nicename", "display_name"]);
  const key = collationKey(term);
  const like = (value: string): boolean => {
    const v = collationKey(value);
    if (leading && trailing) return v.includes(key);
    if (leading) return v.endsWith(key);
    if (trailing) return v.startsWith(key);
    return v === key;
  };
  // MySQL compares the BIGINT ID with the string as numbers ('12.0' finds 12).
  const id = Number(term);
  return (user) => columns.some((c) => (c === "ID" ? user.id === id : like(columnText(user, c))));
}

/**
 * The filter `/customers` applies for its `search` and `email` arguments (as received), or null when they filter
 * nothing.
 */
export function customerSearch(
  search: string | undefined,
  email: string | undefined,
): ((user: EmulatedWooCustomer) => boolean) | null {
  if (!phpEmpty(email)) return userQuerySearch(email!, ["user_email"]);
  return search ? userQuerySearch(`*${search}*`) : null;
}
