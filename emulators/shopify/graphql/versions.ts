/**
 * Behaviour that depends on the API version a request names (its URL), whatever schema serves it. Versions compare
 * as strings ("2026-01" < "2026-10" < "unstable").
 */

/** True when `apiVersion` is `since` or newer ("unstable" is newer than every dated version). */
export function atLeast(apiVersion: string, since: string): boolean {
  return apiVersion >= since;
}

/** Bulk query operations an app may run at once per shop: 1 before 2026-01, 5 from 2026-01. */
export function bulkQueryConcurrency(apiVersion: string): number {
  return atLeast(apiVersion, "2026-01") ? 5 : 1;
}

/**
 * `bulkOperationRunQuery(groupObjects:)` when the request does not say: grouped (children after their parent)
 * before 2026-01, ungrouped (a child may come before its parent) from 2026-01.
 */
export function bulkGroupObjectsDefault(apiVersion: string): boolean {
  return !atLeast(apiVersion, "2026-01");
}
