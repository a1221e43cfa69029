/**
 * Time-ordered ids (UUID version 7 layout, RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter that keeps
 * ids of the same millisecond in the order they were made, then 62 random bits. Sorted as strings they sort in
 * creation order (fixed-width lower-case hex).
 *
 * Why: rows inserted with random ids (v4) land on a random leaf of the primary-key index, so a transaction storing a
 * few rows dirties (and writes to the SQLite WAL, then checkpoints) one index page per row; time-ordered ids append
 * to the same page. Measured for the webhook intake: docs/decisions/0035-webhook-intake-fast-path.md. Ties on a
 * timestamp (a group commit gives every row of the batch the same `receivedAt`) are broken by id in arrival order.
 */
import { randomUUID } from "node:crypto";

let lastMs = 0;
let counter = 0;

/** A new time-ordered id, greater than every id this process made before (even if the clock steps back). */
export function orderedId(nowMs: number = Date.now()): string {
  if (nowMs > lastMs) {
    lastMs = nowMs;
    counter = 0;
  } else if (++counter > 0xfff) {
    // 4,096 ids in one millisecond (or a clock that stepped back): borrow the next millisecond.
    lastMs += 1;
    counter = 0;
  }
  const ms = lastMs.toString(16).padStart(12, "0");
  // randomUUID's last 17 characters: the variant nibble and 60 random bits, already formatted.
  return `${ms.slice(0, 8)}-${ms.slice(8)}-7${counter.toString(16).padStart(3, "0")}-${randomUUID().slice(19)}`;
}
