/**
 * JSON writer that emits bigint values as exact integer literals. Shopify ids exceed 2^53 and bodies carry them as
 * plain numbers; JSON.stringify cannot write a bigint at all, and a Number would be rounded.
 */

/** Serializes `value` like JSON.stringify (no indentation), writing bigints as integer literals and Dates as ISO. */
export function stringifyJson(value: unknown): string {
  const out = write(value);
  return out === undefined ? "null" : out;
}

function write(value: unknown): string | undefined {
  if (value === null) return "null";
  switch (typeof value) {
    case "bigint":
      return value.toString();
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
    default:
      break;
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) {
    return `[${value.map((item) => write(item) ?? "null").join(",")}]`;
  }
  const parts: string[] = [];
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const written = write(item);
    if (written !== undefined) parts.push(`${JSON.stringify(key)}:${written}`);
  }
  return `{${parts.join(",")}}`;
}
