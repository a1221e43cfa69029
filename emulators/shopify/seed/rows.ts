/**
 * The per-row random generators behind seeded records: row `r` of a kind always draws the same numbers, whatever
 * else was generated before, so any record can be generated alone, on demand, in any order.
 */
import { createPrng, hashSeed, type Prng } from "../../shared/prng";
import { DAY_MS, TWO_YEARS_MS } from "./catalog";

/** Generators for the rows of one kind of one shop. */
export function rowPrngs(seed: number, domain: string, kind: string): (row: number) => Prng {
  const base = hashSeed(seed, domain, kind);
  return (row) => createPrng((base ^ Math.imul(row + 1, 0x9e3779b1)) >>> 0);
}

/** Whole seconds since the epoch, as stored in the key arrays. */
export const toSeconds = (ms: number): number => Math.floor(ms / 1000);

/**
 * Created within two years before `nowMs`, updated between creation and now, biased towards creation (most records
 * are not touched again). Always the first three draws of a row, so the keys are computed without the rest.
 */
export function spreadDates(prng: Prng, nowMs: number): { createdS: number; updatedS: number } {
  const createdMs = nowMs - Math.floor(prng.next() * TWO_YEARS_MS);
  const updatedMs = createdMs + Math.floor((nowMs - createdMs) * prng.next() * prng.next());
  return { createdS: toSeconds(createdMs), updatedS: toSeconds(updatedMs) };
}

/** Order dates: a sixth in the last 60 days (visible without read_all_orders); updates rarer than customers'. */
export function orderDates(prng: Prng, nowMs: number): { createdS: number; updatedS: number } {
  const recent = prng.chance(1 / 6);
  const createdMs = nowMs - Math.floor(prng.next() * (recent ? 59 * DAY_MS : TWO_YEARS_MS));
  const updatedMs = createdMs + Math.floor((nowMs - createdMs) * prng.next() * prng.next() * prng.next());
  return { createdS: toSeconds(createdMs), updatedS: toSeconds(updatedMs) };
}

/**
 * Fills the key arrays of `count` rows from their first draws, then hands the drawn (created, updated) pairs to the
 * rows in creation order: row r is the r-th record created, and ids grow with rows (ids.ts; except the rows given
 * ids above 2^53 on purpose), as on Shopify, where a shop's ids grow with time (order #1001 is its oldest). Each
 * pair keeps its own update, so `updatedS` stays ≥ `createdS` row by row.
 */
export function keyArrays(
  count: number,
  prngOf: (row: number) => Prng,
  dates: (prng: Prng) => { createdS: number; updatedS: number },
): { createdS: Uint32Array; updatedS: Uint32Array } {
  const drawnCreated = new Uint32Array(count);
  const drawnUpdated = new Uint32Array(count);
  for (let row = 0; row < count; row++) {
    const d = dates(prngOf(row));
    drawnCreated[row] = d.createdS;
    drawnUpdated[row] = d.updatedS;
  }
  return inCreationOrder(drawnCreated, drawnUpdated);
}

/** The (created, updated) pairs sorted by creation time (ties in drawing order), as two new arrays. */
export function inCreationOrder(
  createdS: Uint32Array,
  updatedS: Uint32Array,
): { createdS: Uint32Array; updatedS: Uint32Array } {
  const order = new Uint32Array(createdS.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => createdS[a]! - createdS[b]! || a - b);
  const created = new Uint32Array(createdS.length);
  const updated = new Uint32Array(createdS.length);
  for (let row = 0; row < order.length; row++) {
    created[row] = createdS[order[row]!]!;
    updated[row] = updatedS[order[row]!]!;
  }
  return { createdS: created, updatedS: updated };
}
