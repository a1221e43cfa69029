/**
 * Which of our records a store deleted, found by comparing counts of id ranges instead of listing every id (ADR 0046,
 * addendum). The range from our smallest to our largest id is halved at our median, the store counts the lower half
 * (the upper half's count is the difference), and only halves where we hold more than the store are halved again,
 * until we hold few enough to list the store's ids of the range and merge them with ours. k deletions among N of our
 * ids cost about k·log2(N / listUpTo) counts and k listings instead of up to N / 250 listing pages.
 *
 * Counts only point at ranges; nothing is deleted on their word: a candidate is one of our ids the store's listing of
 * its range leaves out, and only those the store then confirms gone are yielded. A range whose store count is not
 * exact is listed whole. The store's records outside our range (newer than our newest, mostly: records created since
 * the read) are not counted, so they no longer hide a gap; one the store holds and we do not, inside a range, still
 * hides a deletion of that range until we hold it too.
 */
import { AscendingIds, compareIds, HELD_CHUNK } from "./deletion-check";
import type { HeldFilter, HeldRecords, IdRange } from "./types";

/** A store's count of the records it holds in a range, and whether it is exact (only an exact one can decide). */
export interface RangeCount {
  count: number;
  exact: boolean;
}

/** A range with a last id: what the store is asked about. */
export type BoundedRange = IdRange & { to: bigint };

export interface MissingByRangesOptions {
  held: HeldRecords;
  /** Rows first seen here at or after it are neither counted nor listed. */
  seenBefore: Date;
  /** What the store's counts and listings keep, on our side; its `idPrefix` precedes the decimal part ranged on. */
  filter: HeldFilter;
  /** Ours minus the store's count of everything compared: what the search stops at when the range counts cannot say. */
  gap: number;
  /** The store's count of its records in `range` (those the reader compares). */
  storeCount: (range: BoundedRange) => Promise<RangeCount>;
  /** The store's ids in `range`, ascending, a page at a time as the merge asks. */
  storeIds: (range: BoundedRange) => AscendingIds;
  /** A range where we hold at most this many is listed, not halved (a listing page). */
  listUpTo: number;
  /** Candidates confirmed together (one platform request). */
  batchSize: number;
  /** The ids among `ids` the store confirms gone. */
  confirm: (ids: string[]) => Promise<string[]>;
}

interface Pending {
  range: BoundedRange;
  ours: number;
  /** The store's count, null when it gave none exact (the range is then listed). */
  theirs: number | null;
}

/**
 * Batches of our ids the store confirms gone, lowest ranges first, until the deletions found explain the gap (ours
 * minus the store's count over our whole range) or no range is left where we hold more.
 */
export async function* missingIdsByRanges(options: MissingByRangesOptions): AsyncGenerator<string[]> {
  const { held, seenBefore, filter, batchSize } = options;
  const prefix = filter.idPrefix ?? "";
  const value = (id: string) => BigInt(id.slice(prefix.length));
  const everything: IdRange = { from: 0n, to: null };
  const ours = await held.countIn(everything, seenBefore, filter);
  if (ours === 0) return;
  const first = await held.idAt(everything, 0, seenBefore, filter);
  const last = await held.idAt(everything, -1, seenBefore, filter);
  if (first === null || last === null) return;
  const whole: BoundedRange = { from: value(first), to: value(last) + 1n };
  const counted = await options.storeCount(whole);
  const gap = counted.exact ? ours - counted.count : options.gap;
  if (gap <= 0) return;

  let confirmed = 0;
  let candidates: string[] = [];
  const confirm = async () => {
    const batch = candidates;
    candidates = [];
    const gone = await options.confirm(batch);
    confirmed += gone.length;
    return gone;
  };
  // Depth first, lower half first: the stack's top is the lowest range not yet looked at.
  const stack: Pending[] = [{ range: whole, ours, theirs: counted.exact ? counted.count : null }];
  while (stack.length > 0 && confirmed < gap) {
    const pending = stack.pop()!;
    if (pending.theirs !== null && pending.ours <= pending.theirs) continue;
    if (pending.theirs === null || pending.ours <= options.listUpTo) {
      for await (const id of unlisted(options, pending.range)) {
        candidates.push(id);
        if (candidates.length < batchSize && candidates.length < gap - confirmed) continue;
        const gone = await confirm();
        if (gone.length > 0) yield gone;
        if (confirmed >= gap) return;
      }
      continue;
    }
    stack.push(...(await halves(options, pending, value)).reverse());
  }
  if (candidates.length > 0 && confirmed < gap) {
    const gone = await confirm();
    if (gone.length > 0) yield gone;
  }
}

/**
 * The two halves of a range at our median id, each with our count and the store's: the lower half's asked for, the
 * upper half's the difference (one request a split). A store count that is not exact leaves its half to be listed.
 */
async function halves(
  options: MissingByRangesOptions,
  pending: Pending,
  value: (id: string) => bigint,
): Promise<Pending[]> {
  const { range, ours } = pending;
  const below = Math.floor(ours / 2);
  const median = await options.held.idAt(range, below, options.seenBefore, options.filter);
  // Our rows changed under us (a webhook's deletion): list what is left rather than split on a stale count.
  if (median === null) return [{ ...pending, theirs: null }];
  const lower: BoundedRange = { from: range.from, to: value(median) };
  const upper: BoundedRange = { from: value(median), to: range.to };
  const counted = await options.storeCount(lower);
  let rest: number | null = counted.exact && pending.theirs !== null ? pending.theirs - counted.count : null;
  if (rest === null) {
    const upperCount = await options.storeCount(upper);
    rest = upperCount.exact ? upperCount.count : null;
  }
  return [
    { range: lower, ours: below, theirs: counted.exact ? counted.count : null },
    { range: upper, ours: ours - below, theirs: rest },
  ];
}

/** Our ids in `range` the store's listing of the same range leaves out, ascending. */
async function* unlisted(options: MissingByRangesOptions, range: BoundedRange): AsyncGenerator<string> {
  const { held, seenBefore, filter } = options;
  const prefix = filter.idPrefix ?? "";
  const store = options.storeIds(range);
  const end = `${prefix}${range.to}`;
  let after: string | null = range.from > 0n ? `${prefix}${range.from - 1n}` : null;
  for (;;) {
    const chunk = await held.idsAfter(after, HELD_CHUNK, seenBefore, filter);
    for (const id of chunk) {
      if (compareIds(id, end) >= 0) return;
      if (!(await store.has(id))) yield id;
    }
    if (chunk.length < HELD_CHUNK) return;
    after = chunk[chunk.length - 1];
  }
}
