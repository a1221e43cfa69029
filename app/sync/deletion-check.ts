/**
 * What the readers' checks for records deleted without a webhook share (ADRs 0045, 0046): the order in which
 * `HeldRecords.idsAfter` lists ids, the merge of our ids with the store's as two ascending streams, and the warning
 * a check leaves in the run's errors when it could not finish. Each platform brings its own listing of the store's
 * ids and its own confirmation that a record is gone.
 */
import { errorMessage } from "./errors";
import type { HeldFilter, HeldRecords } from "./types";

/** Our ids read per database query while merging. */
export const HELD_CHUNK = 1_000;

/**
 * Decimal ids, or ids sharing one prefix (`gid://shopify/Order/123`), in numeric order without converting them to
 * numbers (ids may pass 2^53): length, then text. The order `HeldRecords.idsAfter` lists them in.
 */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * The store's ids in ascending order, a batch (a listing page) at a time from `nextBatch` (null: no more), asked for
 * only as the merge needs them. `has(id)` must be called with ascending ids: it skips the store's ids below `id` and
 * says whether the next one is `id`. An id not above the last one seen (a page shifted back) was already compared.
 */
export class AscendingIds {
  private buffer: string[] = [];
  private last: string | null = null;
  private exhausted = false;

  constructor(private readonly nextBatch: () => Promise<string[] | null>) {}

  async has(id: string): Promise<boolean> {
    for (;;) {
      while (this.buffer.length === 0 && !this.exhausted) {
        const batch = await this.nextBatch();
        if (batch === null) this.exhausted = true;
        else {
          const last = this.last;
          this.buffer = batch.filter((b) => last === null || compareIds(b, last) > 0);
          if (this.buffer.length > 0) this.last = this.buffer[this.buffer.length - 1];
        }
      }
      if (this.buffer.length === 0) return false;
      const order = compareIds(this.buffer[0], id);
      if (order > 0) return false;
      if (order === 0) return true;
      this.buffer.shift();
    }
  }
}

export interface MissingIdsOptions {
  held: HeldRecords;
  /** Rows first seen here at or after it are not compared (the store may have created them after its count). */
  seenBefore: Date;
  filter?: HeldFilter;
  /** Ours minus the store's count: the listing stops once this many are confirmed gone. */
  gap: number;
  store: AscendingIds;
  /** Candidates confirmed together (one platform request, or a few at a time). */
  batchSize: number;
  /** The ids among `ids` the store confirms gone. */
  confirm: (ids: string[]) => Promise<string[]>;
}

/**
 * Batches of our ids the store no longer lists and confirms gone. Candidates are confirmed a batch at a time, or as
 * soon as there are enough to explain the gap; more than the gap may be gone (when the store also has records we have
 * not read yet), but listing on once the gap is explained would cost requests for what the next sync finds anyway.
 */
export async function* missingIds(options: MissingIdsOptions): AsyncGenerator<string[]> {
  const { held, seenBefore, filter, gap, store, batchSize } = options;
  let confirmed = 0;
  let candidates: string[] = [];
  const confirm = async (): Promise<string[]> => {
    const batch = candidates;
    candidates = [];
    return options.confirm(batch);
  };
  let after: string | null = null;
  chunks: while (confirmed < gap) {
    const chunk = await held.idsAfter(after, HELD_CHUNK, seenBefore, filter);
    if (chunk.length === 0) break;
    after = chunk[chunk.length - 1];
    for (const id of chunk) {
      if (await store.has(id)) continue;
      candidates.push(id);
      if (candidates.length < batchSize && candidates.length < gap - confirmed) continue;
      const gone = await confirm();
      confirmed += gone.length;
      if (gone.length > 0) yield gone;
      if (confirmed >= gap) break chunks;
    }
  }
  if (candidates.length > 0 && confirmed < gap) {
    const gone = await confirm();
    if (gone.length > 0) yield gone;
  }
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
