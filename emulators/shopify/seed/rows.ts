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

/** Fills the key arrays of `count` rows from their first draws. */
export function keyArrays(
  count: number,
  prngOf: (row: number) => Prng,
  dates: (prng: Prng) => { createdS: number; updatedS: number },
): { createdS: Uint32Array; updatedS: Uint32Array } {
  const createdS = new Uint32Array(count);
  const updatedS = new Uint32Array(count);
  for (let row = 0; row < count; row++) {
    const d = dates(prngOf(row));
    createdS[row] = d.createdS;
    updatedS[row] = d.updatedS;
  }
  return { createdS, updatedS };
}
