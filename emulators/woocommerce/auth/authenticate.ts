/**
 * WooCommerce REST authentication (WC_REST_Authentication), as observed on WooCommerce 11.0.1:
 * - only requests whose path contains `/wp-json/wc/` are authenticated at all (`?rest_route=` is not);
 * - over https as WordPress sees it (`is_ssl()`: TLS mode, or `X-Forwarded-Proto: https` with `trustForwardedProto`):
 *   `consumer_key`/`consumer_secret` query parameters, then HTTP Basic; if neither is present, OAuth 1.0a is tried too. A web server that strips the Authorization header
 *   (Apache with PHP as CGI/FastCGI, without `CGIPassAuth On`) leaves only the query parameters;
 * - over http: OAuth 1.0a one-legged only (HMAC-SHA1/HMAC-SHA256, 15-minute window, nonces remembered per key);
 * - a recognised key with the wrong permission for the method is refused before routing.
 * A request that carries no credentials is simply anonymous: the route's permission check answers 401 later.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { RestError } from "../errors";
import { decodeForm, parsePhpQuery, rfc3986 } from "../php";
import type { EmulatedWooApiKey } from "../store/records";

export const OAUTH_WINDOW_SECONDS = 15 * 60;

export interface AuthRequest {
  /** The method the route sees (after `_method` / X-HTTP-Method-Override); permissions are checked against it. */
  method: string;
  /** The method on the wire ($_SERVER['REQUEST_METHOD']); the OAuth signature covers this one. */
  wireMethod: string;
  /** Path below the install path, without query, e.g. /wp-json/wc/v3/orders */
  path: string;
  /** Raw query string without "?" */
  rawQuery: string;
  /** Raw form body when the request is application/x-www-form-urlencoded, else "" */
  rawFormBody: string;
  authorization: string | undefined;
  https: boolean;
  /** Site URL without trailing slash; the signature base uses it, not the Host header (get_home_url). */
  siteUrl: string;
  nowMs: number;
}

export type AuthOutcome = { key: EmulatedWooApiKey | null } | { error: RestError };

function authError(message: string): RestError {
  return new RestError(401, "woocommerce_rest_authentication_error", message);
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function pairs(raw: string): [string, string][] {
  if (!raw) return [];
  return raw
    .split("&")
    .filter((p) => p !== "")
    .map((p) => {
      const eq = p.indexOf("=");
      return eq === -1 ? [decodeForm(p), ""] : [decodeForm(p.slice(0, eq)), decodeForm(p.slice(eq + 1))];
    });
}

function parseOAuthHeader(header: string): [string, string][] {
  const out: [string, string][] = [];
  const body = header.replace(/^OAuth\s+/i, "");
  for (const match of body.matchAll(/([a-zA-Z0-9_]+)="([^"]*)"/g)) {
    if (match[1] === "realm") continue;
    out.push([decodeURIComponent(match[1]), decodeURIComponent(match[2])]);
  }
  return out;
}

/** Authenticates one request against the store's keys (mutating nonce memory on success). */
export function authenticate(req: AuthRequest, keys: Map<string, EmulatedWooApiKey>): AuthOutcome {
  if (req.https) {
    // Query parameters first, then HTTP Basic (perform_basic_authentication checks $_GET before PHP_AUTH_USER).
    const query = new Map(pairs(req.rawQuery));
    let consumerKey = query.get("consumer_key") ?? "";
    let consumerSecret = query.get("consumer_secret") ?? "";
    if ((!consumerKey || !consumerSecret) && req.authorization && /^Basic\s+/i.test(req.authorization)) {
      const decoded = Buffer.from(req.authorization.replace(/^Basic\s+/i, ""), "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon > 0) {
        consumerKey = decoded.slice(0, colon);
        consumerSecret = decoded.slice(colon + 1);
      }
    }
    if (consumerKey && consumerSecret) {
      const key = keys.get(consumerKey);
      // An unknown key is not an error here: the request just stays anonymous (→ 401 from the route).
      if (key) {
        if (!safeEqual(key.consumerSecret, consumerSecret))
          return { error: authError("Consumer secret is invalid.") };
        return checkPermissions(key, req);
      }
    }
  }
  return oauth(req, keys);
}

/**
 * Parameters as PHP sees them (`array_merge($_GET, $_POST)` + the OAuth header): a repeated key keeps one value.
 * This matters: the official JS client sends every query parameter twice and signs it once.
 */
function phpParams(req: AuthRequest): Map<string, string> {
  const params = new Map<string, string>();
  for (const raw of [req.rawQuery, req.rawFormBody]) {
    for (const entry of parsePhpQuery(raw)) {
      if (Array.isArray(entry.value)) entry.value.forEach((v, i) => params.set(`${entry.key}[${i}]`, v));
      else params.set(entry.key, entry.value);
    }
  }
  if (req.authorization && /^OAuth\s+/i.test(req.authorization)) {
    for (const [name, value] of parseOAuthHeader(req.authorization)) params.set(name, value);
  }
  return params;
}

function oauth(req: AuthRequest, keys: Map<string, EmulatedWooApiKey>): AuthOutcome {
  const params = phpParams(req);
  const all = [...params.entries()];
  const required = [
    "oauth_consumer_key",
    "oauth_timestamp",
    "oauth_nonce",
    "oauth_signature",
    "oauth_signature_method",
  ];
  const missing = required.filter((name) => !params.get(name));
  if (missing.length === required.length) return { key: null };
  if (missing.length > 0) {
    const noun = missing.length === 1 ? "parameter" : "parameters";
    return {
      error: new RestError(
        401,
        "woocommerce_rest_authentication_missing_parameter",
        `Missing OAuth ${noun} ${missing.join(", ")}`,
      ),
    };
  }
  const key = keys.get(params.get("oauth_consumer_key")!);
  if (!key) return { error: authError("Consumer key is invalid.") };

  const method = params.get("oauth_signature_method")!;
  if (method !== "HMAC-SHA1" && method !== "HMAC-SHA256") {
    return { error: authError("Invalid signature - signature method is invalid.") };
  }
  const scheme = req.https ? "https" : "http";
  // get_home_url() with the request path below the install path: the site's host and path, never the Host header.
  const site = new URL(req.siteUrl);
  const baseUri = `${scheme}://${site.host}${site.pathname.replace(/\/$/, "")}${req.path}`;
  const normalized = all
    .filter(([name]) => name !== "oauth_signature")
    .map(([name, value]) => [rfc3986(name), rfc3986(value)] as const)
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) : a[0] < b[0] ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
  const base = `${req.wireMethod.toUpperCase()}&${rfc3986(baseUri)}&${rfc3986(normalized)}`;
  const algorithm = method === "HMAC-SHA1" ? "sha1" : "sha256";
  const expected = createHmac(algorithm, `${key.consumerSecret}&`).update(base).digest("base64");
  const provided = params.get("oauth_signature")!.replace(/ /g, "+");
  if (!safeEqual(expected, provided)) {
    return { error: authError("Invalid signature - provided signature does not match.") };
  }

  const timestamp = Number(params.get("oauth_timestamp"));
  const nowSeconds = Math.floor(req.nowMs / 1000);
  if (
    !Number.isFinite(timestamp) ||
    timestamp < nowSeconds - OAUTH_WINDOW_SECONDS ||
    timestamp > nowSeconds + OAUTH_WINDOW_SECONDS
  ) {
    return { error: authError("Invalid timestamp.") };
  }
  const nonce = params.get("oauth_nonce")!;
  for (const used of key.nonces.values()) {
    if (used === nonce) return { error: authError("Invalid nonce - nonce has already been used.") };
  }
  key.nonces.set(timestamp, nonce);
  for (const stamp of key.nonces.keys()) {
    if (stamp < nowSeconds - OAUTH_WINDOW_SECONDS) key.nonces.delete(stamp);
  }
  return checkPermissions(key, req);
}

function checkPermissions(key: EmulatedWooApiKey, req: AuthRequest): AuthOutcome {
  const method = req.method.toUpperCase();
  if (method === "GET" || method === "HEAD") {
    if (key.permissions !== "read" && key.permissions !== "read_write") {
      return { error: authError("The API key provided does not have read permissions.") };
    }
  } else if (["POST", "PUT", "PATCH", "DELETE"].includes(method)) {
    if (key.permissions !== "write" && key.permissions !== "read_write") {
      return { error: authError("The API key provided does not have write permissions.") };
    }
  } else if (method !== "OPTIONS") {
    return { error: authError("Unknown request method.") };
  }
  key.lastAccessMs = req.nowMs;
  return { key };
}
