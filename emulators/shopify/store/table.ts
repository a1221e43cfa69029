/**
 * A shop's records of one kind, compact enough for 1,000,000-record shops. Seeded records are never stored: row `r`
 * is generated on demand, identically every time, from the seed (see seed/), and only its timestamps are kept in
 * typed arrays for sorting and date filters (8 bytes a row). Records created, changed or deleted afterwards live in
 * a small overlay. Reads look like a `Map<bigint, T>` (get/has/size/values/keys/entries), so callers need not know.
 *
 * Records are replaced, never mutated in place: `snapshot()` keeps a consistent view for a running bulk operation.
 */
import { compareKeys } from "./keys";
import type { SortKey, SortTuple } from "./keys";

export interface TimestampedRecord {
  id: bigint;
  createdAt: Date;
  updatedAt: Date;
}

/** How seeded rows are made: a pure function of the row number, plus the keys kept for every row. */
export interface GeneratedRows<T> {
  count: number;
  /** The id of seeded row `row` (monotonic except the rows given ids above 2^53, which sort last). */
  idOf(row: number): bigint;
  /** The seeded row with this id, or -1. */
  rowOf(id: bigint): number;
  generate(row: number): T;
  /** Seconds since the epoch, per row. */
  createdS: Uint32Array;
  updatedS: Uint32Array;
}

/** Read access to a table's records as they were at one moment. */
export interface RowReader<T> {
  record(row: number): T;
}

/** Below this many rows, sorting packs (seconds, id rank) into one float and uses the native numeric sort. */
const PACKED_SORT_MAX_ROWS = 1 << 22;

export class RecordTable<T extends TimestampedRecord> implements RowReader<T> {
  private readonly base: GeneratedRows<T> | null;
  /** Replaced seeded rows and created rows, by row number. */
  private overlay = new Map<number, T>();
  private deleted = new Set<number>();
  private readonly createdRows = new Map<bigint, number>();
  private nextRow: number;
  /** Incremented on every write: derived views compare it to know when to rebuild. */
  version = 0;
  private readonly baseSorted = new Map<SortKey, Int32Array>();
  private sortedCache = new Map<SortKey, { version: number; rows: Int32Array }>();

  constructor(base: GeneratedRows<T> | null = null) {
    this.base = base;
    this.nextRow = base?.count ?? 0;
  }

  /** A table holding exactly these records (tests, empty shops). */
  static of<R extends TimestampedRecord>(records: Iterable<R>): RecordTable<R> {
    const table = new RecordTable<R>();
    for (const record of records) table.set(record.id, record);
    return table;
  }

  /** Number of seeded rows (generated, not stored). */
  get generatedCount(): number {
    return this.base?.count ?? 0;
  }

  get size(): number {
    let size = this.generatedCount - this.deleted.size;
    for (const row of this.overlay.keys()) if (row >= this.generatedCount) size++;
    return size;
  }

  /** The live row holding `id`, or -1. */
  rowOfId(id: bigint): number {
    const created = this.createdRows.get(id);
    if (created !== undefined) return created;
    const row = this.base ? this.base.rowOf(id) : -1;
    return row >= 0 && !this.deleted.has(row) ? row : -1;
  }

  /** The record of a live row (generated for seeded rows nobody changed). */
  record(row: number): T {
    const replaced = this.overlay.get(row);
    if (replaced) return replaced;
    if (!this.base || row >= this.base.count) throw new Error(`No row ${row}`);
    return this.base.generate(row);
  }

  get(id: bigint): T | undefined {
    const row = this.rowOfId(id);
    return row < 0 ? undefined : this.record(row);
  }

  has(id: bigint): boolean {
    return this.rowOfId(id) >= 0;
  }

  /** Stores a record under its id (replacing, never mutating, any previous one). */
  set(id: bigint, record: T): this {
    let row = this.rowOfId(id);
    if (row < 0) {
      row = this.nextRow++;
      this.createdRows.set(id, row);
    }
    this.overlay.set(row, record);
    this.version++;
    return this;
  }

  delete(id: bigint): boolean {
    const row = this.rowOfId(id);
    if (row < 0) return false;
    this.overlay.delete(row);
    if (row < this.generatedCount) this.deleted.add(row);
    else this.createdRows.delete(id);
    this.version++;
    return true;
  }

  /** Live rows in row order (seeded rows first, then created ones). */
  *rows(): Generator<number> {
    for (let row = 0; row < this.generatedCount; row++) if (!this.deleted.has(row)) yield row;
    for (const row of [...this.createdRows.values()].sort((a, b) => a - b)) yield row;
  }

  *values(): Generator<T> {
    for (const row of this.rows()) yield this.record(row);
  }

  *keys(): Generator<bigint> {
    for (const row of this.rows()) yield this.idOfRow(row);
  }

  *entries(): Generator<[bigint, T]> {
    for (const row of this.rows()) yield [this.idOfRow(row), this.record(row)];
  }

  [Symbol.iterator](): Generator<[bigint, T]> {
    return this.entries();
  }

  /** Whether a seeded row was deleted. */
  isDeleted(row: number): boolean {
    return this.deleted.has(row);
  }

  /** Whether a row's record lives in the overlay (created or changed since seeding). */
  isOverlaid(row: number): boolean {
    return this.overlay.has(row);
  }

  /** The overlay's records (created or changed since seeding): small, read without generating anything. */
  overlaid(): IterableIterator<T> {
    return this.overlay.values();
  }

  idOfRow(row: number): bigint {
    const replaced = this.overlay.get(row);
    if (replaced) return replaced.id;
    return this.base!.idOf(row);
  }

  /** Sort value of a row: epoch ms for dates, the id for ID. Seeded rows are read from the key arrays. */
  sortValue(row: number, sortKey: SortKey): number | bigint {
    const replaced = this.overlay.get(row);
    if (replaced || !this.base) return recordSortValue(replaced ?? this.record(row), sortKey);
    switch (sortKey) {
      case "ID":
        return this.base.idOf(row);
      case "UPDATED_AT":
        return this.base.updatedS[row] * 1000;
      default:
        return this.base.createdS[row] * 1000;
    }
  }

  keyOf(row: number, sortKey: SortKey): SortTuple {
    return [this.sortValue(row, sortKey), this.idOfRow(row)];
  }

  /** Live rows ascending by (sortKey, id); cached until the next write. */
  sortedRows(sortKey: SortKey): Int32Array {
    const cached = this.sortedCache.get(sortKey);
    if (cached && cached.version === this.version) return cached.rows;
    const base = this.sortedBase(sortKey);
    let rows: Int32Array;
    if (this.overlay.size === 0 && this.deleted.size === 0) rows = base;
    else {
      const extra = [...this.overlay.keys()].sort((a, b) =>
        compareKeys(this.keyOf(a, sortKey), this.keyOf(b, sortKey)),
      );
      rows = new Int32Array(this.size);
      let n = 0;
      let e = 0;
      for (const row of base) {
        if (this.deleted.has(row) || this.overlay.has(row)) continue;
        const key = this.keyOf(row, sortKey);
        while (e < extra.length && compareKeys(this.keyOf(extra[e], sortKey), key) < 0)
          rows[n++] = extra[e++];
        rows[n++] = row;
      }
      while (e < extra.length) rows[n++] = extra[e++];
    }
    this.sortedCache.set(sortKey, { version: this.version, rows });
    return rows;
  }

  /** Seeded rows sorted once per key (they never change; the overlay is merged in by sortedRows). */
  private sortedBase(sortKey: SortKey): Int32Array {
    let sorted = this.baseSorted.get(sortKey);
    if (sorted) return sorted;
    const base = this.base;
    const n = base?.count ?? 0;
    const byId = new Int32Array(n);
    // Id order: rows in order, except those with ids above 2^53, which come last (still in row order).
    let k = 0;
    const late: number[] = [];
    for (let row = 0; row < n; row++) {
      if (base!.idOf(row) > 9_007_199_254_740_992n) late.push(row);
      else byId[k++] = row;
    }
    for (const row of late) byId[k++] = row;
    if (sortKey === "ID" || n === 0) sorted = byId;
    else {
      const seconds = sortKey === "UPDATED_AT" ? base!.updatedS : base!.createdS;
      if (n < PACKED_SORT_MAX_ROWS) {
        const packed = new Float64Array(n);
        for (let rank = 0; rank < n; rank++) packed[rank] = seconds[byId[rank]] * PACKED_SORT_MAX_ROWS + rank;
        packed.sort();
        sorted = new Int32Array(n);
        for (let i = 0; i < n; i++) sorted[i] = byId[packed[i] % PACKED_SORT_MAX_ROWS];
      } else {
        const rank = new Int32Array(n);
        byId.forEach((row, i) => (rank[row] = i));
        sorted = Int32Array.from(byId).sort((a, b) => seconds[a] - seconds[b] || rank[a] - rank[b]);
      }
    }
    this.baseSorted.set(sortKey, sorted);
    return sorted;
  }

  /** The records as they are now, for a reader that must not see later writes (a running bulk operation). */
  snapshot(): RowReader<T> {
    const overlay = new Map(this.overlay);
    const base = this.base;
    return {
      record(row: number): T {
        const replaced = overlay.get(row);
        if (replaced) return replaced;
        return base!.generate(row);
      },
    };
  }
}

/** Sort value of a record (epoch ms for dates, the id for ID). */
export function recordSortValue(record: TimestampedRecord, sortKey: SortKey): number | bigint {
  switch (sortKey) {
    case "UPDATED_AT":
      return record.updatedAt.getTime();
    case "CREATED_AT":
      return record.createdAt.getTime();
    case "PROCESSED_AT":
      return "processedAt" in record && record.processedAt instanceof Date
        ? record.processedAt.getTime()
        : record.createdAt.getTime();
    case "ID":
      return record.id;
  }
}
