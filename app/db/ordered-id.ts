/**
 * Time-ordered ids (UUID version 7, RFC 9562) for every row the app inserts in bulk: the sync engine's contacts,
 * orders, items, products and variants, and the webhook intake's events and jobs. 48 bits of Unix milliseconds, a
 * 12-bit counter that keeps ids of the same millisecond in the order they were made, then 62 random bits. Sorted as
 * strings they sort in creation order (fixed-width lower-case hex).
 *
 * Why not `crypto.randomUUID()`: every table's primary key is a B-tree on `id`. Random ids land on a random leaf page
 * each, so a transaction dirties about one index page per row, which SQLite writes to its log and checkpoints (and
 * the cost grows with the table); ids that increase with time append at the right edge of the index. Measured for the
 * sync engine (bench/README.md) and the webhook intake (docs/decisions/0035-webhook-intake-fast-path.md). Ties on a
 * timestamp (a group commit gives every row of the batch the same `receivedAt`) are broken by id in arrival order.
 *
 * One generator per process: ids from it increase strictly, even when the clock steps back or more than 4,096 are
 * made in one millisecond (the next millisecond is borrowed).
 */
import { randomFillSync } from "node:crypto";

// Random bytes drawn 4 KiB at a time: one randomFillSync per 256 ids instead of one per id.
const pool = Buffer.alloc(16 * 256);
let poolOffset = pool.length;
let lastMs = 0;
let sequence = 0;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** A new time-ordered id for `nowMs` (default: now), greater than every id this process made before. */
export function orderedId(nowMs: number = Date.now()): string {
  let ms = nowMs;
  if (ms <= lastMs) {
    ms = lastMs;
    sequence += 1;
    if (sequence > 0xfff) {
      ms += 1;
      sequence = 0;
    }
  } else {
    sequence = 0;
  }
  lastMs = ms;
  if (poolOffset + 16 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const b = pool.subarray(poolOffset, poolOffset + 16);
  poolOffset += 16;
  const hi = Math.floor(ms / 2 ** 16);
  b[0] = (hi >>> 24) & 0xff;
  b[1] = (hi >>> 16) & 0xff;
  b[2] = (hi >>> 8) & 0xff;
  b[3] = hi & 0xff;
  b[4] = (ms >>> 8) & 0xff;
  b[5] = ms & 0xff;
  b[6] = 0x70 | (sequence >>> 8);
  b[7] = sequence & 0xff;
  // RFC 9562 variant (10xx) in the top bits of byte 8; the rest stays random.
  b[8] = (b[8]! & 0x3f) | 0x80;
  let s = "";
  for (let i = 0; i < 16; i++) {
    s += HEX[b[i]!];
    if (i === 3 || i === 5 || i === 7 || i === 9) s += "-";
  }
  return s;
}
