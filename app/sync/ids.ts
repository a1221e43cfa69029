/**
 * Time-ordered ids (UUID version 7, RFC 9562) for rows the engine inserts.
 *
 * Why not `crypto.randomUUID()`: every table's primary key is a B-tree on `id`. Random ids land on random leaf pages,
 * so each page-sized batch of a sync dirties ~one index page per row, and on SQLite every commit rewrites (and
 * journals) all of them; the cost grows with the table. Ids that increase with time append at the right edge of the
 * index: a batch touches a handful of pages whatever the table size. They remain valid UUIDs (unique: 48-bit ms
 * timestamp, 12-bit in-millisecond sequence, 62 random bits).
 */
import { randomFillSync } from "node:crypto";

const pool = Buffer.alloc(16 * 256);
let poolOffset = pool.length;
let lastMs = 0;
let sequence = 0;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** A new UUIDv7 string; ids from one process increase strictly. */
export function newId(): string {
  let ms = Date.now();
  if (ms <= lastMs) {
    ms = lastMs;
    sequence += 1;
    if (sequence > 0xfff) {
      // More than 4,096 ids in one millisecond: borrow the next millisecond to stay ordered.
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
  b[8] = (b[8] & 0x3f) | 0x80;
  let s = "";
  for (let i = 0; i < 16; i++) {
    s += HEX[b[i]];
    if (i === 3 || i === 5 || i === 7 || i === 9) s += "-";
  }
  return s;
}
