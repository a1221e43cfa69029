/** The bulk spool joins children to parents whatever the order of the lines, and hands parents back by id. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BulkSpool, childLine, linesOf, parentLineKey, sortKeyOf, SPOOL_CACHE_KIB } from "./spool.server";

const dirs: string[] = [];
function spoolFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "spool-test-"));
  dirs.push(dir);
  return join(dir, "spool.sqlite");
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function* from(lines: string[]) {
  for (const l of lines) yield l;
}

function streamOf(text: string, chunkBytes: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunkBytes));
      offset += chunkBytes;
    },
  });
}

describe("BulkSpool", () => {
  it("GIVEN children before their parents and parents out of order WHEN paged THEN parents come by id with all their children", async () => {
    const spool = BulkSpool.open(spoolFile());
    const big = "9007199254740993";
    await spool.load(
      "url:1",
      from([
        '{"id":"gid:\\/\\/shopify\\/LineItem\\/11","__parentId":"gid://shopify/Order/20"}',
        `{"id":"gid://shopify/LineItem/12","__parentId":"gid://shopify/Order/${big}"}`,
        '{"id":"gid://shopify/Order/20","name":"#2"}',
        '{"id":"gid://shopify/Order/3","name":"#1"}',
        `{"id":"gid://shopify/Order/${big}","name":"#3"}`,
        '{"id":"gid://shopify/LineItem/13","__parentId":"gid://shopify/Order/20"}',
        "",
      ]),
    );
    expect(spool.loadedSource()).toBe("url:1");
    const first = spool.page("", 2, "lineItems");
    expect(first.map((r) => r.node.name)).toEqual(["#1", "#2"]);
    expect(first[0].node.lineItems).toEqual({ nodes: [] });
    expect(first[1].node.lineItems).toEqual({
      nodes: [{ id: "gid://shopify/LineItem/11" }, { id: "gid://shopify/LineItem/13" }],
    });
    const second = spool.page(first[1].key, 2, "lineItems");
    expect(second.map((r) => [r.key, r.childCount])).toEqual([[sortKeyOf(`gid://shopify/Order/${big}`), 1]]);
    expect(spool.page(second[0].key, 2, "lineItems")).toEqual([]);
    spool.close();
  });

  it("GIVEN Shopify's real bulk JSONL WHEN spooled THEN each of its three orders gets its own line items", async () => {
    const text = readFileSync(
      new URL("../mapping/fixtures/bulk-orders-with-lineitems.jsonl", import.meta.url),
      "utf8",
    );
    const spool = BulkSpool.open(spoolFile());
    expect(await spool.load("url:real", linesOf(streamOf(text, 97)))).toEqual({ parents: 3, children: 6 });
    const page = spool.page("", 10, "lineItems");
    expect(page.map((r) => [r.node.name, r.childCount])).toEqual([
      ["HCDEV#2611", 2],
      ["HCDEV#2612", 2],
      ["HCDEV#2613", 2],
    ]);
    expect((page[0].node.lineItems as { nodes: Array<{ sku: string }> }).nodes.map((i) => i.sku)).toEqual([
      "WH09-XS-Green",
      "WT08-XS-Black",
    ]);
    spool.close();
  });

  it("GIVEN parents already emitted from a partial file WHEN the complete file repeats them THEN only changed ones count as new", async () => {
    const path = spoolFile();
    const spool = BulkSpool.open(path);
    await spool.load("partial:1", from(['{"id":"gid://shopify/Order/1"}', '{"id":"gid://shopify/Order/2"}']));
    spool.markEmitted(spool.page("", 10, "lineItems"));
    await spool.load(
      "url:2",
      from([
        '{"id":"gid://shopify/Order/1"}',
        '{"id":"gid://shopify/Order/2"}',
        '{"id":"gid://shopify/LineItem/5","__parentId":"gid://shopify/Order/2"}',
      ]),
    );
    const page = spool.page("", 10, "lineItems");
    expect(page.map((r) => spool.alreadyEmitted(r.key, r.childCount))).toEqual([true, false]);
    spool.close();
    // Reopened after a crash, it still knows what was loaded and emitted.
    const again = BulkSpool.open(path);
    expect(again.loadedSource()).toBe("url:2");
    expect(again.alreadyEmitted(sortKeyOf("gid://shopify/Order/1"), 0)).toBe(true);
    again.close();
  });

  it("GIVEN Shopify's line layout WHEN classified without parsing THEN ids, parent ids and child JSON are exact; other layouts are left to the parser", () => {
    const child =
      '{"id":"gid:\\/\\/shopify\\/LineItem\\/9","a":{"b":"x\\"}"},"__parentId":"gid:\\/\\/shopify\\/Order\\/18446744073709551615"}';
    expect(childLine(child)).toEqual({
      parentKey: sortKeyOf("gid://shopify/Order/18446744073709551615"),
      json: '{"id":"gid:\\/\\/shopify\\/LineItem\\/9","a":{"b":"x\\"}"}}',
    });
    expect(JSON.parse(childLine(child)!.json)).toEqual({ id: "gid://shopify/LineItem/9", a: { b: 'x"}' } });
    expect(parentLineKey('{"id":"gid:\\/\\/shopify\\/Order\\/9007199254740993","name":"#1"}')).toBe(
      sortKeyOf("gid://shopify/Order/9007199254740993"),
    );
    expect(parentLineKey('{"id":"gid://shopify/Order/12"}')).toBe(sortKeyOf("gid://shopify/Order/12"));
    for (const line of [
      '{"__parentId":"gid://shopify/Order/1"}', // no member before it
      '{"id":"1","__parentId":"gid://shopify/Order/1","x":1}', // not the last member
      '{"id":"1","n":{"__parentId":"gid://shopify/Order/1"}}', // nested
      '{"id":"1","__parentId":"gid://shopify/Order/1\\u0031"}', // an escape other than \/
      '{"id":"1","__parentId":"gid://shopify/Order/1"} ', // trailing space
    ])
      expect(childLine(line)).toBeNull();
    for (const line of [
      '{"name":"#1","id":"gid://shopify/Order/1"}', // id not first
      '{"id":"gid://shopify/Order/1","__parentId":"gid://shopify/Order/2"}', // a child
      '{"id":"gid://shopify/Order/1","\\u005f_parentId":"gid://shopify/Order/2"}', // escaped key
      '{"id":"gid://shopify/Order/1\\"}', // escaped quote
      '{"id":"gid://shopify/Order/1?x=1"}', // not a plain GID
    ])
      expect(parentLineKey(line)).toBeNull();
  });

  it("GIVEN lines the fast path leaves to the parser and a parent twice WHEN loaded THEN they join as before and the last line of a parent wins", async () => {
    const spool = BulkSpool.open(spoolFile());
    expect(
      await spool.load(
        "url:1",
        from([
          '{"__parentId":"gid://shopify/Order/2"}',
          '{"name":"#2 old","id":"gid://shopify/Order/2"}',
          '{"__parentId":"gid://shopify/Order/2","id":"gid://shopify/LineItem/7","q":1}',
          '{"id":"gid://shopify/Order/2","name":"#2"}',
          '{"id":"gid://shopify/Order/1","name":"#1"}',
        ]),
      ),
    ).toEqual({ parents: 3, children: 2 });
    const page = spool.page("", 10, "lineItems");
    expect(page.map((r) => r.node)).toEqual([
      { id: "gid://shopify/Order/1", name: "#1", lineItems: { nodes: [] } },
      {
        id: "gid://shopify/Order/2",
        name: "#2",
        lineItems: { nodes: [{}, { id: "gid://shopify/LineItem/7", q: 1 }] },
      },
    ]);
    spool.close();
  });

  it("GIVEN a file whose last line is cut WHEN loaded THEN it fails as a broken download and is not taken as loaded", async () => {
    const spool = BulkSpool.open(spoolFile());
    await expect(
      spool.load(
        "url:1",
        from(['{"id":"gid://shopify/Order/1"}', '{"id":"gid://shopify/Order/2","name":"#']),
      ),
    ).rejects.toThrow(SyntaxError);
    expect(spool.loadedSource()).toBeNull();
    spool.close();
  });

  it("GIVEN a stream cut in odd places WHEN split THEN lines are whole, multi-byte characters included", async () => {
    const text = '{"a":"é"}\n{"b":"漢字"}\n{"c":1}';
    const lines: string[] = [];
    for await (const line of linesOf(streamOf(text, 3))) lines.push(line);
    expect(lines).toEqual(['{"a":"é"}', '{"b":"漢字"}', '{"c":1}']);
  });

  it("GIVEN thousands of records WHEN loaded, paged and checked THEN a handful of statements are prepared, not one per record (issue 12)", async () => {
    // Each prepared statement holds native memory until V8 collects its tiny wrapper: one per record (as
    // alreadyEmitted did) grew a 1M-record sync to 1.87 GB resident.
    const prepare = vi.spyOn(Database.prototype, "prepare");
    try {
      const spool = BulkSpool.open(spoolFile());
      const lines = [];
      for (let i = 1; i <= 3000; i++) {
        lines.push(JSON.stringify({ id: `gid://shopify/Order/${i}` }));
        lines.push(
          JSON.stringify({ id: `gid://shopify/LineItem/${i}`, __parentId: `gid://shopify/Order/${i}` }),
        );
      }
      await spool.load("url:1", from(lines));
      let after = "";
      let seen = 0;
      for (;;) {
        const page = spool.page(after, 100, "lineItems");
        if (page.length === 0) break;
        for (const r of page) expect(spool.alreadyEmitted(r.key, r.childCount)).toBe(false);
        spool.markEmitted(page);
        seen += page.length;
        after = page[page.length - 1].key;
      }
      expect(seen).toBe(3000);
      expect(spool.parentCount()).toBe(3000);
      spool.close();
      expect(prepare.mock.calls.length).toBeLessThanOrEqual(12);
    } finally {
      prepare.mockRestore();
    }
  });

  it("GIVEN a spool WHEN opened THEN its page cache is the small one, not better-sqlite3's 16 MB default (ADR 0036)", () => {
    // The spool's 16 MB default cache stayed resident beside the app database's: ~20 MB of a 1M-record sync's peak.
    const spool = BulkSpool.open(spoolFile());
    try {
      const db = (spool as unknown as { db: Database.Database }).db;
      expect(SPOOL_CACHE_KIB).toBeLessThanOrEqual(4_000);
      expect(db.pragma("cache_size", { simple: true })).toBe(-SPOOL_CACHE_KIB);
    } finally {
      spool.close();
    }
  });

  it("GIVEN parents emitted before WHEN asked for a key range THEN their child counts in that range only", async () => {
    const spool = BulkSpool.open(spoolFile());
    spool.markEmitted([
      { key: sortKeyOf("gid://shopify/Order/1"), childCount: 2 },
      { key: sortKeyOf("gid://shopify/Order/5"), childCount: 0 },
      { key: sortKeyOf("gid://shopify/Order/9"), childCount: 1 },
    ]);
    const range = spool.emittedBetween(
      sortKeyOf("gid://shopify/Order/1"),
      sortKeyOf("gid://shopify/Order/9"),
    );
    expect([...range]).toEqual([
      [sortKeyOf("gid://shopify/Order/5"), 0],
      [sortKeyOf("gid://shopify/Order/9"), 1],
    ]);
    expect(spool.emittedBetween("", sortKeyOf("gid://shopify/Order/0")).size).toBe(0);
    spool.close();
  });

  it("GIVEN a spool file of the older layout WHEN opened THEN it is emptied and its source counts as not loaded", () => {
    const path = spoolFile();
    const old = new Database(path);
    old.exec(`
      CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE parents (key TEXT PRIMARY KEY, id TEXT NOT NULL, json TEXT NOT NULL);
      CREATE TABLE children (parent_id TEXT NOT NULL, seq INTEGER NOT NULL, json TEXT NOT NULL);
      INSERT INTO meta VALUES ('loaded', 'url:1');
      INSERT INTO parents VALUES ('00000000000000000001', 'gid://shopify/Order/1', '{"id":"gid://shopify/Order/1"}');
    `);
    old.close();
    const spool = BulkSpool.open(path);
    expect(spool.loadedSource()).toBeNull();
    expect(spool.parentCount()).toBe(0);
    spool.close();
  });
});
