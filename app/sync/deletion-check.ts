/**
 * What the readers' checks for records deleted without a webhook share (ADRs 0045, 0046): the order in which
 * `HeldRecords.idsAfter` lists ids, and the warning a check leaves in the run's errors when it could not finish.
 */
import { errorMessage } from "./errors";

/**
 * Decimal ids, or ids sharing one prefix (`gid://shopify/Order/123`), in numeric order without converting them to
 * numbers (ids may pass 2^53): length, then text. The order `HeldRecords.idsAfter` lists them in.
 */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * The run's warning when a deletion check failed part-way: `subject` says where it looked and for what
 * ("Shopify for orders deleted while webhooks were not arriving").
 */
export function unfinishedDeletionCheck(subject: string, error: unknown): string {
  return (
    `Checking ${subject} did not finish: ${errorMessage(error)} Nothing it had not confirmed gone was removed; ` +
    `the next sync checks again.`
  );
}
