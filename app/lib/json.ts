/**
 * A JSON column's value as an object. Prisma hands JSON columns back as parsed values on PostgreSQL and on SQLite,
 * but rows written by raw SQL, payloads from pg-boss and older rows may hold the JSON text instead: accept both.
 * Unparseable text and null give `fallback`.
 */
export function parseJsonValue<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback;
  if (typeof value === "string") {
    try {
      return JSON.parse(value) as T;
    } catch {
      return fallback;
    }
  }
  return value as T;
}

/**
 * A JSON object column (e.g. `Integration.settings`) as a fresh object, whether the driver returned it parsed or as
 * text; anything that is not an object reads as {}.
 */
export function jsonObject(value: unknown): Record<string, unknown> {
  const parsed = parseJsonValue<unknown>(value, {});
  return parsed && typeof parsed === "object" && !Array.isArray(parsed)
    ? { ...(parsed as Record<string, unknown>) }
    : {};
}
