import type { DatabaseKind } from "./database-url";

/**
 * A date as a raw-SQL parameter (null stays null). SQLite keeps Prisma DateTimes as ISO text with "+00:00"
 * (`2024-05-06T07:08:09.123+00:00`): raw SQL must write exactly that format so rows read back through Prisma
 * unchanged and compare correctly as text (`>=` on equal-width ISO strings is chronological). PostgreSQL takes the
 * ISO string and a `::timestamp(3)` cast.
 */
export function sqlDate(kind: DatabaseKind, value: Date): string;
export function sqlDate(kind: DatabaseKind, value: Date | null | undefined): string | null;
export function sqlDate(kind: DatabaseKind, value: Date | null | undefined): string | null {
  if (!value) return null;
  const iso = value.toISOString();
  return kind === "sqlite" ? iso.replace("Z", "+00:00") : iso;
}
