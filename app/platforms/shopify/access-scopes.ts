/**
 * What the access scopes Shopify granted (the `scope` of the token answer) mean for the sync. Shopify does not fail
 * a read when a scope is missing in every case: without `read_all_orders` the orders connection, the counts and bulk
 * exports simply stop at 60 days, so the app has to notice the gap itself and tell the merchant.
 */

/** Scopes of the token answer ("read_orders,write_products"), or null when Shopify did not say. */
export function parseGrantedScopes(scope: string | null | undefined): Set<string> | null {
  if (scope === null || scope === undefined) return null;
  return new Set(
    scope
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

/** write_x includes read_x, as on Shopify (its token answer lists only the write scope). */
function granted(scopes: Set<string>, scope: string): boolean {
  return scopes.has(scope) || (scope.startsWith("read_") && scopes.has(`write_${scope.slice(5)}`));
}

/** The `required` scopes missing from the granted ones (none when Shopify did not say what it granted). */
export function missingScopes(
  grantedScope: string | null | undefined,
  required: readonly string[],
): string[] {
  const scopes = parseGrantedScopes(grantedScope);
  if (!scopes) return [];
  return required.filter((s) => !granted(scopes, s));
}

export const ALL_ORDERS_SCOPE = "read_all_orders";

/** The scopes the sync reads with: customers, orders (all of them, not only the last 60 days) and products. */
export const SYNC_SCOPES = ["read_customers", "read_orders", ALL_ORDERS_SCOPE, "read_products"] as const;

/** Merchant-facing explanations of missing scopes (empty when nothing the sync needs is missing). */
export function scopeProblems(missing: readonly string[]): string[] {
  const problems: string[] = [];
  if (missing.includes(ALL_ORDERS_SCOPE)) {
    problems.push(
      "Shopify did not grant Commerce Sync the read_all_orders access scope, so orders older than 60 days are not " +
        "synced (Shopify leaves them out without an error). Open Commerce Sync in the Shopify admin and approve its " +
        "updated access (a public app must first be granted read_all_orders in the Partner Dashboard); the older " +
        "orders are synced as soon as it is granted.",
    );
  }
  const others = missing.filter((s) => s !== ALL_ORDERS_SCOPE);
  if (others.length > 0) {
    problems.push(
      `Shopify did not grant Commerce Sync the access scope${others.length > 1 ? "s" : ""} ${others.join(", ")}, ` +
        "so what they cover is not synced. Open Commerce Sync in the Shopify admin and approve its updated access.",
    );
  }
  return problems;
}
