/**
 * What the production server (server.ts, app/lib/app-server.server.ts) writes about a request: method, path, status
 * and duration — never a header, never a body, and the URL with every query value that could authenticate someone
 * replaced (docs/decisions/0031-production-server-and-log-redaction.md).
 *
 * Query values are kept only for names known to be harmless (an allowlist: an unknown parameter is redacted, so a
 * new secret-bearing parameter cannot leak by default). Shopify's `hmac`, `id_token`, `session`, `host`, `code`,
 * `state`, `signature`, WooCommerce's `consumer_key`/`consumer_secret`/`oauth_*` and the key-approval `attempt` are
 * all outside it. Path segments that are bearer capabilities (the wc-auth callback's attempt id) are redacted too.
 */

export const REDACTED = "[redacted]";

/** Query parameters whose values are safe to log verbatim. Everything else is redacted. */
export const LOGGED_QUERY_PARAMS: ReadonlySet<string> = new Set([
  "shop",
  "embedded",
  "locale",
  "integration",
  "integrationId",
  "kind",
  "page",
  "status",
  "store",
  "payment",
  "fulfillment",
  "financial",
  "success",
  "resource",
  "tab",
  "index",
  "_data",
  "topic",
  "timestamp",
  "returnTo",
]);

/** Paths whose next segment is a secret capability (the store's key-approval callback carries the attempt id). */
const CAPABILITY_PREFIXES = ["/wc-auth/callback/"];

/**
 * The request target as it may be logged: the path (capability segments redacted) and the query with every value
 * outside {@link LOGGED_QUERY_PARAMS} replaced by `[redacted]`. Cheap on the hot path: a target without `?` and
 * without a capability prefix is returned as is.
 */
export function redactRequestTarget(target: string): string {
  const q = target.indexOf("?");
  let path = q === -1 ? target : target.slice(0, q);
  for (const prefix of CAPABILITY_PREFIXES) {
    if (path.startsWith(prefix) && path.length > prefix.length) path = prefix + REDACTED;
  }
  if (q === -1) return path;
  const query = target.slice(q + 1);
  if (query === "") return path;
  const parts = query.split("&");
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const eq = part.indexOf("=");
    const rawName = eq === -1 ? part : part.slice(0, eq);
    let name: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, " "));
    } catch {
      name = "";
    }
    if (LOGGED_QUERY_PARAMS.has(name)) continue;
    // A bare part (no `=`) may itself be a value: it is redacted whole.
    parts[i] = eq === -1 ? REDACTED : `${safeName(rawName)}=${REDACTED}`;
  }
  return `${path}?${parts.join("&")}`;
}

/** A parameter name is logged only when it looks like one; anything else (a value smuggled as a name) is not. */
function safeName(rawName: string): string {
  return /^[A-Za-z0-9_.\-[\]%]{1,64}$/.test(rawName) ? rawName : REDACTED;
}
