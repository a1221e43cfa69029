/**
 * What an integration holds of one resource (`HeldRecords`, app/sync/types.ts), read by a reader that compares it
 * with the store to find records deleted there without a trace (ADR 0045). Read-only, outside any transaction.
 *
 * Ids come in ascending numeric order without holding them all: a decimal id's numeric order is its order by
 * (length, text), so each digit length is walked on the (integrationId, externalId) unique index, a chunk at a time.
 * Ids behind a fixed prefix (Shopify's `gid://shopify/Order/123`, ADR 0046) order the same way: the prefix is common.
 * Ranges of ids by value (`countIn`, `idAt`: bisecting with counts, ADR 0046 addendum) become, per digit length, one
 * text interval between two ids of that length on the same index.
 */
import type { AppDb } from "../db/client.server";
import { sqlDate } from "../db/sql-date";
import { dialectFor } from "./sql.server";
import type { HeldFilter, HeldRecords, IdRange, Resource } from "./types";
import { REVIVABLE_TABLES } from "./writer/context";

/** Decimal ids whose text order within one length is their numeric order. */
const DECIMAL_ID = /^[1-9]\d*$/;

/**
 * Live rows: `deletedAt` IS NULL in the table a store's deletion soft-deletes (REVIVABLE_TABLES; a deleted customer's
 * link is a tombstone, ADR 0044). Customers also need a customer record of their own: a link made only by an order
 * (customer id of a user the customer list may not show, or a guest key) is not compared with the store's customers.
 */
const ALSO_LIVE_WHEN: Partial<Record<Resource, string>> = {
  customers: ` AND "externalUpdatedAt" IS NOT NULL`,
};

/** The column `HeldFilter.datedFrom` compares: the date the store gives the record. */
const DATE_COLUMN: Partial<Record<Resource, string>> = { orders: "orderDate" };

/** The live records of `resource` for one integration. */
export function heldRecords(db: AppDb, integrationId: string, resource: Resource): HeldRecords {
  const dialect = dialectFor(db.$kind);
  const table = REVIVABLE_TABLES[resource];
  const live = `"deletedAt" IS NULL${ALSO_LIVE_WHEN[resource] ?? ""}`;
  const p = (i: number, type: "text" | "int" | "timestamp") => dialect.param(i, type);
  /**
   * The filter and its parameters, numbered in the order they appear (SQLite's placeholders are positional): with a
   * prefix, only ids starting with it (its length is ours, not input); with a date, only records dated from it.
   */
  const scope = (seenBefore: Date, filter: HeldFilter) => {
    const prefix = filter.idPrefix ?? "";
    const params: unknown[] = [integrationId, sqlDate(db.$kind, seenBefore)];
    let where = `"integrationId" = ${p(1, "text")} AND ${live} AND "createdAt" < ${p(2, "timestamp")}`;
    if (prefix) {
      params.push(prefix);
      where += ` AND substr("externalId", 1, ${prefix.length}) = ${p(params.length, "text")}`;
    }
    if (filter.datedFrom) {
      const column = DATE_COLUMN[resource];
      if (!column) throw new Error(`Held ${resource} have no date of their own to filter on.`);
      params.push(sqlDate(db.$kind, filter.datedFrom));
      where += ` AND "${column}" >= ${p(params.length, "timestamp")}`;
    }
    return { where, params };
  };
  // Digit lengths present, read once per held view, cutoff and prefix (rows added later are after the cutoff).
  let lengths: { key: string; values: Promise<number[]> } | null = null;
  const lengthsOf = (seenBefore: Date, filter: HeldFilter) => {
    const key = `${seenBefore.getTime()} ${filter.idPrefix ?? ""} ${filter.datedFrom?.getTime() ?? ""}`;
    if (!lengths || lengths.key !== key) {
      const { where, params } = scope(seenBefore, filter);
      const values = db
        .$queryRawUnsafe<{ n: unknown }[]>(
          `SELECT DISTINCT length("externalId") AS "n" FROM "${table}" WHERE ${where}`,
          ...params,
        )
        .then((rows) => rows.map((r) => Number(r.n)).sort((a, b) => a - b));
      lengths = { key, values };
    }
    return lengths.values;
  };
  const chunk = (
    seenBefore: Date,
    filter: HeldFilter,
    length: number,
    after: string | null,
    limit: number,
  ) => {
    const { where, params } = scope(seenBefore, filter);
    // Placeholders are positional on SQLite: parameters go in the order they appear.
    const n = params.length;
    const keyset = after === null ? "" : ` AND "externalId" > ${p(n + 2, "text")}`;
    return db
      .$queryRawUnsafe<{ id: string }[]>(
        `SELECT "externalId" AS "id" FROM "${table}" WHERE ${where} AND length("externalId") = ${p(n + 1, "int")}` +
          `${keyset} ORDER BY "externalId" LIMIT ${p(after === null ? n + 2 : n + 3, "int")}`,
        ...params,
        length,
        ...(after === null ? [] : [after]),
        limit,
      )
      .then((rows) => rows.map((r) => String(r.id)));
  };

  /**
   * `range` cut by digit count, one text interval [low, high] (both ids of that length, so the comparison is numeric
   * under any collation) per length present; `decimal` keeps out other shapes of that length (`12x`, `007`).
   */
  const spans = async (range: IdRange, seenBefore: Date, filter: HeldFilter) => {
    const prefix = filter.idPrefix ?? "";
    const first = range.from < 1n ? 1n : range.from;
    const last = range.to === null ? null : range.to - 1n;
    if (last !== null && last < first) return [];
    const [low, high] = [first.toString(), last?.toString() ?? null];
    const out: Array<{ length: number; low: string; high: string }> = [];
    for (const length of await lengthsOf(seenBefore, filter)) {
      const digits = length - prefix.length;
      if (digits < low.length) continue;
      if (high !== null && digits > high.length) break;
      out.push({
        length,
        low: prefix + (digits === low.length ? low : `1${"0".repeat(digits - 1)}`),
        high: prefix + (high !== null && digits === high.length ? high : "9".repeat(digits)),
      });
    }
    return out;
  };
  const inSpan = (
    seenBefore: Date,
    filter: HeldFilter,
    span: { length: number; low: string; high: string },
  ) => {
    const prefix = filter.idPrefix ?? "";
    const start = prefix.length + 1;
    if (db.$kind === "postgres") {
      // Written so PostgreSQL can estimate it (ADR 0046, second addendum). It keeps no statistics on expressions and
      // guesses 0.5 % for each `expr = value`: with `substr(…) = prefix`, `length(…) = n` and the shape test it
      // expected 1 row of 1,000,000 and sorted a sequential scan rather than walk the index for one id. Instead:
      // the prefix and the length as one LIKE on the column ("gid://shopify/Order/" and 13 "_"), estimated from
      // the column's histogram; the decimal shape as the decimal part being NOT NULL (guessed 99.5 %).
      const { where, params } = scope(seenBefore, filter.datedFrom ? { datedFrom: filter.datedFrom } : {});
      const n = params.length;
      const like = prefix.replace(/[\\%_]/g, "\\$&") + "_".repeat(span.length - prefix.length);
      return {
        where:
          `${where} AND "externalId" >= ${p(n + 1, "text")} AND "externalId" <= ${p(n + 2, "text")}` +
          ` AND "externalId" LIKE ${p(n + 3, "text")}` +
          ` AND substring(substr("externalId", ${start}) from '^[1-9][0-9]*$') IS NOT NULL`,
        params: [...params, span.low, span.high, like],
      };
    }
    const { where, params } = scope(seenBefore, filter);
    const n = params.length;
    return {
      where:
        `${where} AND length("externalId") = ${p(n + 1, "int")} AND "externalId" >= ${p(n + 2, "text")}` +
        ` AND "externalId" <= ${p(n + 3, "text")} AND substr("externalId", ${start}, 1) BETWEEN '1' AND '9'` +
        ` AND substr("externalId", ${start}) NOT GLOB '*[^0-9]*'`,
      params: [...params, span.length, span.low, span.high],
    };
  };
  const countSpan = async (
    seenBefore: Date,
    filter: HeldFilter,
    span: { length: number; low: string; high: string },
  ) => {
    const { where, params } = inSpan(seenBefore, filter, span);
    const [row] = await db.$queryRawUnsafe<{ n: unknown }[]>(
      `SELECT COUNT(*) AS "n" FROM "${table}" WHERE ${where}`,
      ...params,
    );
    return Number(row?.n ?? 0);
  };

  return {
    async countIn(range, seenBefore, filter = {}) {
      let total = 0;
      for (const span of await spans(range, seenBefore, filter))
        total += await countSpan(seenBefore, filter, span);
      return total;
    },
    async idAt(range, skip, seenBefore, filter = {}) {
      // From the nearer end: a negative skip counts back from the last (-1), read in descending order.
      const backwards = skip < 0;
      let rest = backwards ? -skip - 1 : skip;
      const all = await spans(range, seenBefore, filter);
      for (const span of backwards ? all.reverse() : all) {
        const { where, params } = inSpan(seenBefore, filter, span);
        const [row] = await db.$queryRawUnsafe<{ id: string }[]>(
          `SELECT "externalId" AS "id" FROM "${table}" WHERE ${where}` +
            ` ORDER BY "externalId"${backwards ? " DESC" : ""} LIMIT 1 OFFSET ${p(params.length + 1, "int")}`,
          ...params,
          rest,
        );
        if (row) return String(row.id);
        // Past this length's ids: counted only then (one length is the common case).
        rest -= await countSpan(seenBefore, filter, span);
      }
      return null;
    },
    async count(seenBefore, filter = {}) {
      const { where, params } = scope(seenBefore, filter);
      const [row] = await db.$queryRawUnsafe<{ n: unknown }[]>(
        `SELECT COUNT(*) AS "n" FROM "${table}" WHERE ${where}`,
        ...params,
      );
      return Number(row?.n ?? 0);
    },
    async idsAfter(after, limit, seenBefore, filter = {}) {
      const idPrefix = filter.idPrefix ?? "";
      const out: string[] = [];
      const decimal = (id: string) => id.startsWith(idPrefix) && DECIMAL_ID.test(id.slice(idPrefix.length));
      for (const length of await lengthsOf(seenBefore, filter)) {
        if (after !== null && length < after.length) continue;
        let from = after !== null && length === after.length ? after : null;
        while (out.length < limit) {
          const want = limit - out.length;
          const ids = await chunk(seenBefore, filter, length, from, want);
          for (const id of ids) if (decimal(id)) out.push(id);
          if (ids.length < want) break;
          from = ids[ids.length - 1];
        }
        if (out.length >= limit) break;
      }
      return out;
    },
  };
}
