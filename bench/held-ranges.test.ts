/**
 * Measures our side of bisecting id ranges (ADR 0046, addendum): `HeldRecords.countIn` and `idAt` on 1,000,000
 * Shopify orders of one integration (13-digit ids, the last 2,000 past 2^53), beside 200,000 of another, on SQLite
 * and PostgreSQL. Milliseconds per call, by range size, and for the whole of our side of one deletion's search.
 * Skipped unless MEASURE_HELD_RANGES=1; heavy — run it as
 * `MEASURE_HELD_RANGES=1 flock /tmp/bench.lock npx vitest run bench/held-ranges.test.ts`.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sqlDate } from "../app/db/sql-date";
import type { AppDb } from "../app/sync/platform";
import { heldRecords } from "../app/sync/held-records.server";
import type { IdRange } from "../app/sync/types";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../tests/setup/db";

const ROWS = 1_000_000;
const BIG = 2_000;
const PREFIX = "gid://shopify/Order/";
const FIRST = 5_000_000_000_000n;
const BIG_FIRST = 9_007_199_254_740_993n;
/** The decimal id of row i (1-based): 13 digits, 3 apart; the last BIG rows past 2^53, 1 apart. */
const idOf = (i: number) =>
  i > ROWS - BIG ? BIG_FIRST + BigInt(i - (ROWS - BIG) - 1) : FIRST + 3n * BigInt(i);

describe.runIf(process.env.MEASURE_HELD_RANGES === "1")("held id ranges", () => {
  describe.each(DATABASE_KINDS)("of 1,000,000 orders on %s", (kind) => {
    let t: TestDatabase;
    let integrationId: string;

    beforeAll(async () => {
      t = await createTestDatabase(kind);
      const organizationId = randomUUID();
      await t.db.organization.create({ data: { id: organizationId, name: "Large" } });
      const make = (storeKey: string) =>
        t.db.integration.create({ data: { organizationId, platform: "shopify", name: storeKey, storeKey } });
      integrationId = (await make("large.myshopify.com")).id;
      const other = (await make("other.myshopify.com")).id;
      const date = sqlDate(kind, new Date("2026-11-01T00:00:00.000Z"));
      const p = (i: number, cast: string) => (kind === "postgres" ? `$${i}::${cast}` : "?");
      // Generated in the database: 1,000,000 rows inserted through parameters would take longer than the measurement.
      const series =
        kind === "postgres"
          ? (n: number) => `SELECT i FROM generate_series(1, ${n}) AS s(i)`
          : (n: number) =>
              `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${n}) SELECT i FROM s`;
      const idText =
        kind === "postgres"
          ? `CASE WHEN i > ${ROWS - BIG} THEN (${BIG_FIRST}::numeric + i - ${ROWS - BIG + 1})::text ELSE (${FIRST}::numeric + 3 * i)::text END`
          : `CASE WHEN i > ${ROWS - BIG} THEN '9007199' || printf('%09d', ${BIG_FIRST % 1_000_000_000n} + i - ${ROWS - BIG + 1}) ELSE CAST(${FIRST} + 3 * i AS TEXT) END`;
      const insert = async (integration: string, n: number) =>
        t.db.$executeRawUnsafe(
          `INSERT INTO "Order" ("id", "organizationId", "integrationId", "externalId", "orderNumber", "platform",` +
            ` "totalMinor", "currency", "orderDate", "externalUpdatedAt", "createdAt", "updatedAt")` +
            ` SELECT ${p(1, "text")} || i, ${p(2, "text")}, ${p(3, "text")}, ${p(4, "text")} || ${idText}, '#' || i,` +
            ` 'shopify', 100, 'USD', ${p(5, "timestamp(3)")}, ${p(6, "timestamp(3)")}, ${p(7, "timestamp(3)")},` +
            ` ${p(8, "timestamp(3)")} FROM (${series(n)}) AS rows`,
          `${integration}-`,
          organizationId,
          integration,
          PREFIX,
          date,
          date,
          date,
          date,
        );
      const started = performance.now();
      await insert(integrationId, ROWS);
      await insert(other, 200_000);
      if (kind === "postgres") await t.db.$executeRawUnsafe(`ANALYZE "Order"`);
      console.log(
        JSON.stringify({ kind, insertSeconds: Number(((performance.now() - started) / 1000).toFixed(1)) }),
      );
    }, 900_000);
    afterAll(() => t?.cleanup());

    it("measures", { timeout: 900_000 }, async () => {
      const held = heldRecords(t.db as unknown as AppDb, integrationId, "orders");
      const seenBefore = new Date("2030-01-01T00:00:00.000Z");
      const filter = { idPrefix: PREFIX };
      const timed = async <T>(run: () => Promise<T>) => {
        const started = performance.now();
        const value = await run();
        return { value, ms: Number((performance.now() - started).toFixed(1)) };
      };
      const everything: IdRange = { from: 0n, to: null };
      // The first call also reads the digit lengths present (cached per view).
      expect((await timed(() => held.countIn(everything, seenBefore, filter))).value).toBe(ROWS);
      const line: Record<string, unknown> = { kind };
      line.countAll = (await timed(() => held.count(seenBefore, filter))).ms;
      line.countInAll = (await timed(() => held.countIn(everything, seenBefore, filter))).ms;
      for (const size of [250, 1_000, 62_500, 500_000]) {
        const range = { from: idOf(400_000), to: idOf(400_000 + size) };
        const { value, ms } = await timed(() => held.countIn(range, seenBefore, filter));
        expect(value).toBe(size);
        line[`countIn${size}`] = ms;
      }
      const past = await timed(() =>
        held.countIn({ from: BIG_FIRST + 10n, to: BIG_FIRST + 260n }, seenBefore, filter),
      );
      expect(past.value).toBe(250);
      line.countIn250Past2e53 = past.ms;
      const last = await timed(() => held.idAt(everything, -1, seenBefore, filter));
      expect(last.value).toBe(`${PREFIX}${idOf(ROWS)}`);
      line.idAtLast = last.ms;
      const median = await timed(() => held.idAt(everything, ROWS / 2, seenBefore, filter));
      expect(median.value).toBe(`${PREFIX}${idOf(ROWS / 2 + 1)}`);
      line.idAtMedian = median.ms;
      // Our side of one deletion's search near the newest end, as app/sync/id-bisection.ts asks it: our count and
      // ends, then a median per halving (the lower half's count is its rank: no query).
      const search = await timed(async () => {
        let halvings = 0;
        let ours = await held.countIn(everything, seenBefore, filter);
        const first = (await held.idAt(everything, 0, seenBefore, filter))!;
        const last = (await held.idAt(everything, -1, seenBefore, filter))!;
        const value = (id: string) => BigInt(id.slice(PREFIX.length));
        let range: IdRange = { from: value(first), to: value(last) + 1n };
        while (ours > 250) {
          const below = Math.floor(ours / 2);
          range = { from: value((await held.idAt(range, below, seenBefore, filter))!), to: range.to };
          ours -= below;
          halvings += 1;
        }
        return halvings;
      });
      line.searchHalvings = search.value;
      line.searchMs = search.ms;
      console.log(JSON.stringify(line));
    });
  });
});
