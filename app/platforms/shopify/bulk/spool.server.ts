/**
 * A bulk operation's JSONL result, spooled to a temporary SQLite file so that parents and their children
 * (`__parentId`) can be joined whatever their order in the file, with memory that stays flat however big the store.
 *
 * Shopify's ungrouped output (the default from 2026-01) may put a child before its parent, and nothing bounds the
 * distance between them: holding unmatched lines in memory would grow with the store. Instead every line goes to
 * disk once while downloading, and pages are read back in ascending id order with their children attached. Ordering
 * by id also gives the read its resume point: "everything up to id N was handed to the engine".
 *
 * The file also remembers which parents were already emitted (and with how many children), so the complete file of
 * a fallback operation can skip what a failed operation's partial file already delivered.
 */
import { mkdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { legacyIdOf } from "../mapping/ids";

/** Layout of the spool file (PRAGMA user_version); a file of another layout is emptied on open. */
const SPOOL_LAYOUT = 2;

/** Lines inserted per transaction while loading. */
const LOAD_BATCH_LINES = 5_000;

/**
 * The spool connection's page cache, in KiB (`PRAGMA cache_size = -N`). better-sqlite3 builds SQLite with a 16 MB
 * default, which a 1M-record export fills and which stays resident (and, freed at close, fragments the process's
 * malloc heap) beside the app database's own 16 MB: ADR 0036, second addendum. The spool is written roughly in key
 * order (appends to the right edge of its indexes) and read back in key order (range scans), so a small cache
 * serves it: loading and paging 1M records took the same CPU with 2 MB as with 16 MB.
 */
export const SPOOL_CACHE_KIB = 2_000;

export interface SpooledRecord {
  /** Sort key: the numeric id, zero-padded so text order is numeric order. */
  key: string;
  /** The parent node with its children gathered under the child field (`{ nodes: [...] }`). */
  node: Record<string, unknown>;
  childCount: number;
}

/** Zero-padded numeric id of a GID: text comparison gives numeric order (ids are below 10^20). */
export function sortKeyOf(gid: string): string {
  return legacyIdOf(gid).padStart(20, "0");
}

export class BulkSpool {
  private readonly db: Database.Database;
  /**
   * Statements prepared once per spool (`statement`). Preparing per call (as this file did for alreadyEmitted — once
   * per record) leaves one native SQLite statement per call behind until the garbage collector gets round to its
   * small JS wrapper, which V8 has no reason to hurry: issue 12 measured ~99,000 live statements (~160 MB of native
   * memory) at 200,000 records and 1.87 GB of resident memory at 1,000,000.
   */
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    // Scratch data: a crash loses nothing that cannot be downloaded again.
    this.db.pragma("journal_mode = OFF");
    this.db.pragma("synchronous = OFF");
    this.db.pragma(`cache_size = -${SPOOL_CACHE_KIB}`);
    // A file from an older layout is dropped (its source is then downloaded again): spools are scratch files.
    if (this.db.pragma("user_version", { simple: true }) !== SPOOL_LAYOUT) {
      this.db.exec(`
        DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS parents; DROP TABLE IF EXISTS children;
        DROP TABLE IF EXISTS emitted;
      `);
    }
    // Children are keyed by their parent's sort key, so one page's children are one range of their index (read in
    // key order, no join with parents). Plain rowid tables: as WITHOUT ROWID tables, whose B-tree holds whole rows
    // of JSON, loading took twice as long (measured at 100,000 records). Building the indexes once loaded saved
    // ~0.2 s of CPU per 100,000 records, but the 1M-record sync then peaked at 292–300 MB (limit 300): not kept
    // (ADR 0018, addendum; SQLite's sorter memory-maps its temporary runs, the likely cause, not verified).
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS parents (key TEXT PRIMARY KEY, json TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS children (parent_key TEXT NOT NULL, seq INTEGER NOT NULL, json TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS children_parent ON children (parent_key, seq);
      CREATE TABLE IF NOT EXISTS emitted (key TEXT PRIMARY KEY, children INTEGER NOT NULL);
      PRAGMA user_version = ${SPOOL_LAYOUT};
    `);
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Opens (or creates) the spool file at `path`. */
  static open(path: string): BulkSpool {
    return new BulkSpool(path);
  }

  /** Deletes a spool file if it exists. */
  static remove(path: string): void {
    rmSync(path, { force: true });
  }

  /** The source loaded completely into this file (e.g. "url:gid://…/BulkOperation/1"), or null. */
  loadedSource(): string | null {
    const row = this.statement("SELECT value FROM meta WHERE name = 'loaded'").get() as
      { value: string } | undefined;
    return row?.value ?? null;
  }

  /**
   * Replaces the spooled lines with `lines` (one JSON object each) and records `source` once all are in.
   * Returns the number of parent and child lines.
   */
  async load(source: string, lines: AsyncIterable<string>): Promise<{ parents: number; children: number }> {
    this.forget();
    const insertParent = this.statement("INSERT OR REPLACE INTO parents (key, json) VALUES (?, ?)");
    const insertChild = this.statement("INSERT INTO children (parent_key, seq, json) VALUES (?, ?, ?)");
    let parents = 0;
    let children = 0;
    let batch: string[] = [];
    const flush = this.db.transaction((rows: string[]) => {
      for (const line of rows) {
        const child = childLine(line);
        if (child) {
          insertChild.run(child.parentKey, children, child.json);
          children += 1;
          continue;
        }
        const key = parentLineKey(line);
        if (key) {
          insertParent.run(key, line);
          parents += 1;
          continue;
        }
        const object = JSON.parse(line) as { id?: unknown; __parentId?: unknown };
        if (typeof object.__parentId === "string") {
          insertChild.run(sortKeyOf(object.__parentId), children, line);
          children += 1;
        } else {
          if (typeof object.id !== "string") throw new Error("A bulk result line has no id.");
          insertParent.run(sortKeyOf(object.id), line);
          parents += 1;
        }
      }
    });
    let last: string | null = null;
    for await (const line of lines) {
      if (line.trim() === "") continue;
      last = line;
      batch.push(line);
      if (batch.length >= LOAD_BATCH_LINES) {
        flush(batch);
        batch = [];
      }
    }
    // Lines are classified without being parsed (childLine, parentLineKey); every line is parsed when its page is
    // read. Only the last line can be cut short (a download that stopped early): parsing it here keeps such a file
    // from counting as loaded (SyntaxError: the read downloads it again).
    if (last !== null) JSON.parse(last);
    if (batch.length > 0) flush(batch);
    this.statement("INSERT OR REPLACE INTO meta (name, value) VALUES ('loaded', ?)").run(source);
    return { parents, children };
  }

  /** Drops a half-loaded file's lines (a failed download), so it is not taken for a complete one. */
  forget(): void {
    this.db.exec("DELETE FROM meta WHERE name = 'loaded'; DELETE FROM parents; DELETE FROM children;");
  }

  /** Number of parents spooled. */
  parentCount(): number {
    return (this.statement("SELECT COUNT(*) AS n FROM parents").get() as { n: number }).n;
  }

  /**
   * The next parents after `afterKey` (ascending), with their children under `childField` as `{ nodes: [...] }`
   * (children lose their `__parentId`, and keep file order).
   */
  page(afterKey: string, limit: number, childField: string | null): SpooledRecord[] {
    const parents = this.statement("SELECT key, json FROM parents WHERE key > ? ORDER BY key LIMIT ?").all(
      afterKey,
      limit,
    ) as Array<{ key: string; json: string }>;
    if (parents.length === 0) return [];
    const records: Array<SpooledRecord & { children: unknown[] }> = parents.map((p) => ({
      key: p.key,
      node: JSON.parse(p.json) as Record<string, unknown>,
      childCount: 0,
      children: [],
    }));
    if (childField) {
      // The page's children are the range (afterKey, last key]: children of parents not in the file (none on
      // Shopify) fall in the range too and are skipped.
      const byKey = new Map(records.map((r) => [r.key, r]));
      const rows = this.statement(
        "SELECT parent_key, json FROM children WHERE parent_key > ? AND parent_key <= ? ORDER BY parent_key, seq",
      ).all(afterKey, parents[parents.length - 1].key) as Array<{ parent_key: string; json: string }>;
      for (const row of rows) {
        const parent = byKey.get(row.parent_key);
        if (!parent) continue;
        const child = JSON.parse(row.json) as Record<string, unknown>;
        // Lines spooled through childLine were stored without it; others (parsed on load) still carry it.
        if (child.__parentId !== undefined) delete child.__parentId;
        parent.children.push(child);
      }
    }
    return records.map(({ key, node, children }) => {
      if (childField) node[childField] = { nodes: children };
      return { key, node, childCount: children.length };
    });
  }

  /** Remembers that these parents were handed to the engine, with how many children. */
  markEmitted(records: Array<{ key: string; childCount: number }>): void {
    const insert = this.statement("INSERT OR REPLACE INTO emitted (key, children) VALUES (?, ?)");
    this.db.transaction(() => {
      for (const r of records) insert.run(r.key, r.childCount);
    })();
  }

  /**
   * Child counts of the parents already emitted with keys in (`afterKey`, `lastKey`]: one query per page instead of
   * one lookup per record (which cost ~5 % of a full sync's CPU, on a table that is empty unless a partial file was
   * read before).
   */
  emittedBetween(afterKey: string, lastKey: string): Map<string, number> {
    const rows = this.statement("SELECT key, children FROM emitted WHERE key > ? AND key <= ?").all(
      afterKey,
      lastKey,
    ) as Array<{ key: string; children: number }>;
    return new Map(rows.map((r) => [r.key, r.children]));
  }

  /** True when this parent was already emitted with exactly `childCount` children (nothing new to give). */
  alreadyEmitted(key: string, childCount: number): boolean {
    const row = this.statement("SELECT children FROM emitted WHERE key = ?").get(key) as
      { children: number } | undefined;
    return row !== undefined && row.children === childCount;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

const PARENT_ID_MEMBER = ',"__parentId":"';
const ID_MEMBER = '{"id":"';

/** A GID as a JSON string's raw text holds it in Shopify's output (slashes escaped or not), numeric part captured. */
const RAW_GID = /^gid:\\?\/\\?\/shopify\\?\/[A-Za-z]+\\?\/(\d+)$/;

/** sortKeyOf of a GID given as a JSON string's raw text; null if it is not a plain GID (the line is then parsed). */
function rawGidKey(raw: string): string | null {
  const match = RAW_GID.exec(raw);
  return match ? match[1].padStart(20, "0") : null;
}

/**
 * A child line in Shopify's layout — `{…,"__parentId":"gid:\/\/shopify\/Order\/1"}`, `__parentId` the last
 * member — read without parsing it: its parent's sort key and the line without that member. Null for any other line
 * (it is then parsed). The member found this way is the top-level one: a line's final `}` closes the top-level
 * object, so the member just before it is one of that object's, and a JSON string cannot hold an unescaped quote.
 */
export function childLine(line: string): { parentKey: string; json: string } | null {
  const at = line.lastIndexOf(PARENT_ID_MEMBER);
  const end = line.length - 2;
  if (at < 0 || line.charCodeAt(end + 1) !== 125 /* } */ || line.charCodeAt(end) !== 34 /* " */) return null;
  const parentKey = rawGidKey(line.slice(at + PARENT_ID_MEMBER.length, end));
  return parentKey ? { parentKey, json: `${line.slice(0, at)}}` } : null;
}

/**
 * The sort key of a parent line in Shopify's layout (`{"id":"gid:…",…}`, id the first member) that has no
 * `__parentId` member, read without parsing the line; null for any other line (it is then parsed). A line with `\u`
 * escapes is left to the parser (a key could be spelled with them).
 */
export function parentLineKey(line: string): string | null {
  if (!line.startsWith(ID_MEMBER) || line.includes('"__parentId"') || line.includes("\\u")) return null;
  const close = line.indexOf('"', ID_MEMBER.length);
  return close < 0 ? null : rawGidKey(line.slice(ID_MEMBER.length, close));
}

/** Splits a byte stream into text lines without holding more than one line (plus a chunk) in memory. */
export async function* linesOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let rest = "";
  const reader = stream.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        break;
      }
      rest += decoder.decode(value, { stream: true });
      let newline = rest.indexOf("\n");
      let start = 0;
      while (newline !== -1) {
        yield rest.slice(start, newline);
        start = newline + 1;
        newline = rest.indexOf("\n", start);
      }
      rest = rest.slice(start);
    }
    rest += decoder.decode();
    if (rest.length > 0) yield rest;
  } finally {
    // Abandoned early (an error downstream): stop the download instead of leaving the socket open.
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
