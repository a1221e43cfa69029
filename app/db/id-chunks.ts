/**
 * Lists of ids split for Prisma filters such as `{ id: { in: ids } }`.
 *
 * Prisma binds every id of an `in` list as its own parameter, and refuses a statement with too many ("The query
 * parameter limit supported by your database is exceeded"): 999 per statement on SQLite, 32,767 on PostgreSQL.
 * A list whose length comes from store data or a request (a customer's orders, a store's contacts) is therefore
 * queried a slice at a time. Measured limits and the queries concerned: docs/decisions/0041 (addendum).
 *
 * Raw SQL built with app/sync/sql.server.ts (`selectIn`, `executeIn`) needs none of this: it sends a whole list as
 * one JSON parameter.
 */

/** Ids per statement: under SQLite's 999 parameters, with room for the statement's other filters. */
export const IDS_PER_STATEMENT = 500;

/** `ids` in consecutive slices of at most `size` (none for an empty list), one statement's worth each. */
export function idChunks<T>(ids: readonly T[], size: number = IDS_PER_STATEMENT): T[][] {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`Chunk size must be a positive integer: ${size}`);
  const chunks: T[][] = [];
  for (let start = 0; start < ids.length; start += size) chunks.push(ids.slice(start, start + size));
  return chunks;
}
