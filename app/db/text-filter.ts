/**
 * A case-insensitive "contains" filter on both databases: PostgreSQL's LIKE is case-sensitive (Prisma's
 * `mode: "insensitive"` makes it ILIKE), SQLite's is not for ASCII (and its client has no `mode`). Typed as the
 * SQLite client's filter, which is what application code sees.
 */
import type { Prisma } from "@prisma/client";
import type { DatabaseKind } from "./database-url";

export function containsIgnoringCase(kind: DatabaseKind, value: string): Prisma.StringNullableFilter {
  return (
    kind === "postgres" ? { contains: value, mode: "insensitive" } : { contains: value }
  ) as Prisma.StringNullableFilter;
}
