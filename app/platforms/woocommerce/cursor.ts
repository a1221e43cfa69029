/**
 * The WooCommerce read cursor (opaque to the engine, stored with each committed page). Pure.
 *
 * WooCommerce dates have 1-second precision and `modified_after` is strictly-after, so an incremental read asks for
 * everything modified after `since - 1 s` (the boundary second is read again) and drops the records of that second it
 * already applied *unchanged*: `seen` maps their ids to a fingerprint of the body. A record changed again within the
 * same second has a new fingerprint and is applied; one seen before, unchanged, is not counted twice.
 *
 * While a read runs, `scan` holds the last committed page and what the read learned, so a killed run resumes after
 * that page. When it ends, the next `since` is the newest modification read — unless records were modified during
 * the read (later than the store's clock at its start): pages already read may have missed those changes, so the
 * next read starts at the read's start instead. See ADR 0021.
 */
import { createHash } from "node:crypto";

export interface ScanState {
  /** Last page committed. */
  page: number;
  /** The store's clock (HTTP `Date`) at the first answer of this read, to the second; null when it sent none. */
  startedAt: string | null;
  /** Newest `date_modified_gmt` read so far, and the fingerprints of the records at that second. */
  maxSeen: string | null;
  atMax: Record<string, string>;
  /** Fingerprints of the records read at exactly `startedAt`. */
  atStart: Record<string, string>;
  /** Listed records the reader leaves out (customers: store staff, ADR 0047), counted over the whole read. */
  skipped?: number;
}

export interface WooCursor {
  v: 1;
  /** GMT second ("2026-11-24T04:36:29"); null = read everything. */
  since: string | null;
  /** Records at exactly `since` already applied: id → fingerprint. */
  seen: Record<string, string>;
  scan?: ScanState;
  /**
   * The list the cursor was made over, when a reader names it (customers: `role=all`, ADR 0047). A cursor made over
   * another list (or none) is not continued: records that list left out were never read, whatever their date.
   */
  scope?: string;
}

/** Beyond this many same-second records the de-duplication is dropped (they are simply read again). */
const MAX_SEEN = 5_000;

export function parseCursor(value: string | null): WooCursor {
  if (!value) return { v: 1, since: null, seen: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = null;
  }
  const c = parsed as Partial<WooCursor> | null;
  if (!c || c.v !== 1 || (c.since !== null && typeof c.since !== "string")) {
    // An unknown cursor (another version): read everything again rather than guess.
    return { v: 1, since: null, seen: {} };
  }
  return {
    v: 1,
    since: c.since ?? null,
    seen: c.seen ?? {},
    ...(c.scan ? { scan: c.scan } : {}),
    ...(typeof c.scope === "string" ? { scope: c.scope } : {}),
  };
}

/**
 * The cursor a reader over list `scope` continues from: the same one when it was made over that list, else a fresh
 * one (read everything once: the other list may have left records out whatever their date). No scope: as it is.
 */
export function inScope(cursor: WooCursor, scope: string | undefined): WooCursor {
  if (scope === undefined || cursor.scope === scope) return cursor;
  return { v: 1, since: null, seen: {}, scope };
}

export function serializeCursor(cursor: WooCursor): string {
  return JSON.stringify(cursor);
}

/** A short fingerprint of a record body: equal bodies, equal fingerprints. */
export function fingerprint(record: unknown): string {
  return createHash("sha1").update(JSON.stringify(record)).digest("base64url").slice(0, 12);
}

/** `modified_after` for a read from `since`: one second earlier, so the boundary second is read again. */
export function modifiedAfterFor(since: string | null): string | null {
  if (!since) return null;
  return new Date(Date.parse(`${since}Z`) - 1000).toISOString().slice(0, 19);
}

/** True when a record belongs to this read (changed after `since`, or at `since` and not applied as it is). */
export function isWanted(cursor: WooCursor, modifiedGmt: string, id: string, print: () => string): boolean {
  if (cursor.since === null || modifiedGmt > cursor.since) return true;
  if (modifiedGmt < cursor.since) return false;
  return cursor.seen[id] !== print();
}

/** A fresh scan state. */
export function newScan(page = 0): ScanState {
  return { page, startedAt: null, maxSeen: null, atMax: {}, atStart: {} };
}

/** Adds one record read (wanted or not) to the scan state. */
export function observe(scan: ScanState, modifiedGmt: string, id: string, print: string): void {
  if (scan.maxSeen === null || modifiedGmt > scan.maxSeen) {
    scan.maxSeen = modifiedGmt;
    scan.atMax = { [id]: print };
  } else if (modifiedGmt === scan.maxSeen && Object.keys(scan.atMax).length < MAX_SEEN + 1) {
    scan.atMax[id] = print;
  }
  if (
    scan.startedAt !== null &&
    modifiedGmt === scan.startedAt &&
    Object.keys(scan.atStart).length <= MAX_SEEN
  )
    scan.atStart[id] = print;
}

/** The cursor after a read: where the next incremental read starts. */
export function finishScan(cursor: WooCursor, scan: ScanState): WooCursor {
  if (scan.maxSeen === null) return { v: 1, since: cursor.since, seen: cursor.seen };
  const previous = cursor.since;
  let since = scan.maxSeen;
  let seen = scan.atMax;
  if (scan.startedAt !== null && scan.maxSeen > scan.startedAt) {
    // Records were modified while this read ran: start the next one at the read's start.
    since = scan.startedAt;
    seen = scan.atStart;
  }
  // Never move backwards past where this read started from.
  if (previous !== null && since < previous) return { v: 1, since: previous, seen: cursor.seen };
  if (since === previous) seen = { ...cursor.seen, ...seen };
  if (Object.keys(seen).length > MAX_SEEN) seen = {};
  return { v: 1, since, seen };
}

/** HTTP `Date` header → GMT second, or null. */
export function storeClock(dateHeader: string | undefined): string | null {
  if (!dateHeader) return null;
  const ms = Date.parse(dateHeader);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().slice(0, 19);
}
