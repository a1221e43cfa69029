/**
 * Byte-level habits of PHP/WordPress that clients can observe: `wp_json_encode` output (escaped slashes, \uXXXX for
 * non-ASCII) and `urlencode` as used by `add_query_arg` when WordPress builds `Link` headers.
 */

/**
 * JSON the way WordPress writes it (`wp_json_encode` with default flags): "/" becomes "\/" and every non-ASCII
 * character becomes a \uXXXX escape. Webhook signatures are computed over these exact bytes.
 */
export function phpJsonEncode(value: unknown): string {
  // "/" can only occur inside JSON strings, so a global replace is safe.
  return JSON.stringify(value)
    .replace(/\//g, "\\/")
    .replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** PHP `urlencode`: everything but [A-Za-z0-9_.-] is %XX-encoded (upper case), space becomes "+". */
export function phpUrlencode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*~]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, "+");
}

/** RFC 3986 percent-encoding, as OAuth 1.0a signature base strings need. */
export function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** One query parameter in request order; a PHP array parameter holds several values (`status[0]=…`). */
export interface QueryEntry {
  key: string;
  value: string | string[];
}

/**
 * Parses a raw query string the way PHP fills `$_GET`, keeping the order of first appearance:
 * `a[]=1&a[]=2` and `a[0]=1` become one array entry; a repeated plain key keeps its last value.
 */
export function parsePhpQuery(search: string): QueryEntry[] {
  const entries: QueryEntry[] = [];
  const text = search.startsWith("?") ? search.slice(1) : search;
  if (text === "") return entries;
  for (const part of text.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const rawKey = eq === -1 ? part : part.slice(0, eq);
    const rawValue = eq === -1 ? "" : part.slice(eq + 1);
    const key = decodeForm(rawKey);
    const value = decodeForm(rawValue);
    const bracket = /^([^[\]]+)\[([^\]]*)\]$/.exec(key);
    if (bracket) {
      const base = bracket[1];
      let entry = entries.find((e) => e.key === base);
      if (!entry || !Array.isArray(entry.value)) {
        if (entry) entry.value = [];
        else {
          entry = { key: base, value: [] };
          entries.push(entry);
        }
      }
      (entry.value as string[]).push(value);
      continue;
    }
    const existing = entries.find((e) => e.key === key);
    if (existing) existing.value = value;
    else entries.push({ key, value });
  }
  return entries;
}

/** Decodes one form-encoded component ("+" is a space); malformed escapes are kept literally, as PHP does. */
export function decodeForm(text: string): string {
  const spaced = text.replace(/\+/g, " ");
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
}

/** WordPress `add_query_arg` serialisation: values `urlencode`d, array keys as `key%5Bi%5D`. */
export function buildPhpQuery(entries: QueryEntry[]): string {
  const parts: string[] = [];
  for (const entry of entries) {
    if (Array.isArray(entry.value)) {
      entry.value.forEach((item, index) => parts.push(`${entry.key}%5B${index}%5D=${phpUrlencode(item)}`));
    } else {
      parts.push(`${entry.key}=${phpUrlencode(entry.value)}`);
    }
  }
  return parts.join("&");
}

/** Sets a parameter in place (keeping its position) or appends it, like `WP_REST_Request::set_param` on GET. */
export function setQueryEntry(entries: QueryEntry[], key: string, value: string | string[]): void {
  const existing = entries.find((e) => e.key === key);
  if (existing) existing.value = value;
  else entries.push({ key, value });
}

/**
 * WordPress's `is_email()` in short: one @, a local part, a dotted domain, no spaces. The REST schema validates
 * `format: email` arguments with it before any handler runs.
 */
export function isEmail(value: string): boolean {
  return /^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$/.test(value);
}
