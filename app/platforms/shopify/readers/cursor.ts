/**
 * The opaque cursor a Shopify reader hands the engine after each page (stored in the run's checkpoint in the same
 * transaction as the page's rows). Three forms:
 *
 * - `since`: a finished read. The next read asks for records with `updated_at` after it; it is already set back by
 *   SINCE_OVERLAP_MS, so a change Shopify's search index had not yet seen is read again rather than missed.
 * - `pages`: inside a paginated read: the search filter, Shopify's page cursor, and the newest `updatedAt` seen.
 * - `bulk`: inside a bulk read: the operation id and the last parent id handed over. The spool returns parents in
 *   ascending id order, so "after id N" is a resume point valid for the same operation's file, and — when that file
 *   is gone — for a new operation filtered with `id:>N`. `phase: "partial"` marks the partial file of a FAILED
 *   operation (ids there are not contiguous, so a resume re-reads that file rather than filtering by id).
 */

/** How far a finished read's position is set back (Shopify's search index lags writes by seconds). */
export const SINCE_OVERLAP_MS = 5 * 60_000;

export interface SinceCursor {
  v: 1;
  mode: "since";
  since: string;
}

export interface PagesCursor {
  v: 1;
  mode: "pages";
  /** The search filter of this read (null = everything). */
  filter: string | null;
  /** Shopify's endCursor of the last page handed over. */
  after: string | null;
  /** Newest `updatedAt` handed over so far. */
  newest: string | null;
  /** The `since` this read started from (kept if it finds nothing newer). */
  since: string | null;
}

export interface BulkCursor {
  v: 1;
  mode: "bulk";
  op: string;
  phase: "full" | "partial";
  /** Sort key (zero-padded id) of the last parent handed over; "" before the first. */
  after: string;
  /** When the first operation of this read was created (Shopify's clock): the next read starts there. */
  startedAt: string;
  filter: string | null;
  /** Fallback operations started so far by this read. */
  fallbacks: number;
  since: string | null;
}

export type ShopifyCursor = SinceCursor | PagesCursor | BulkCursor;

export function encodeCursor(cursor: ShopifyCursor | null): string | null {
  return cursor ? JSON.stringify(cursor) : null;
}

/** Parses a stored cursor; anything unreadable means "no position" (a full read), never a crash. */
export function decodeCursor(raw: string | null): ShopifyCursor | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<ShopifyCursor>;
    if (value?.v !== 1) return null;
    if (value.mode === "since" && typeof value.since === "string") return value as SinceCursor;
    if (value.mode === "pages") return value as PagesCursor;
    if (value.mode === "bulk" && typeof value.op === "string") return value as BulkCursor;
    return null;
  } catch {
    return null;
  }
}

/** The position after a finished read whose data reaches up to `newest` (Shopify time), set back by the overlap. */
export function sinceAfter(newest: string | null, fallback: string | null): SinceCursor | null {
  if (!newest) return fallback ? { v: 1, mode: "since", since: fallback } : null;
  const ms = Date.parse(newest);
  if (Number.isNaN(ms)) return fallback ? { v: 1, mode: "since", since: fallback } : null;
  const since = new Date(ms - SINCE_OVERLAP_MS).toISOString();
  // Never move backwards past where the read started.
  if (fallback && Date.parse(fallback) > Date.parse(since)) return { v: 1, mode: "since", since: fallback };
  return { v: 1, mode: "since", since };
}

/** Shopify search filter for records changed after `since`. */
export function updatedSinceFilter(since: string): string {
  return `updated_at:>'${since}'`;
}

/** Combines search terms (AND is implied between terms). */
export function andFilter(...terms: Array<string | null | undefined>): string | null {
  const kept = terms.filter((t): t is string => !!t && t.trim() !== "");
  return kept.length ? kept.join(" ") : null;
}

/** The later of two ISO timestamps (null-tolerant). */
export function newerOf(a: string | null, b: string | null | undefined): string | null {
  if (!b) return a;
  if (!a) return b;
  return Date.parse(b) > Date.parse(a) ? b : a;
}
