/**
 * What can go wrong talking to a WooCommerce store, as AppErrors a store owner can act on. Messages never contain
 * keys, secrets or bodies; the store's own error message (WordPress `message`) is quoted because it is what the
 * owner would see in their WP admin.
 */
import { AppError, RETRIED_LATER } from "../../lib/errors";
import type { PhpMessage } from "./php-output";
import { requestWords } from "./request-words";

export { requestWords };

export type WooFailureKind =
  | "auth"
  | "clock"
  | "read_only"
  | "forbidden"
  | "not_found"
  | "rate_limited"
  | "server"
  | "timeout"
  | "tls"
  | "host_not_found"
  | "unreachable"
  | "redirect"
  | "not_json"
  | "php_error"
  | "bad_request";

const HTTP_STATUS_OF: Record<WooFailureKind, number> = {
  auth: 401,
  clock: 502,
  read_only: 403,
  forbidden: 403,
  not_found: 404,
  rate_limited: 429,
  server: 502,
  timeout: 504,
  tls: 502,
  host_not_found: 400,
  unreachable: 502,
  redirect: 502,
  not_json: 502,
  php_error: 502,
  bad_request: 400,
};

/** The last sentence of a retryable failure's message: the job runner and the next scheduled check try again. */
export { RETRIED_LATER };

/** A request to the store failed. `code` is `woocommerce_<kind>`. */
export class WooRequestError extends AppError {
  readonly kind: WooFailureKind;
  /** HTTP status of the store's answer, when there was one. */
  readonly status: number | null;
  /** WordPress error code of the answer (`woocommerce_rest_authentication_error`…), when JSON. */
  readonly wooCode: string | null;
  /** WordPress's message of the answer ("Consumer key is invalid."), when JSON; quoted in the owner's message. */
  readonly wooMessage: string | null;
  /** Where a redirect pointed (kind "redirect"). */
  readonly location: string | null;
  /**
   * True when trying again later may succeed (rate limits, server errors, timeouts, dropped connections); the
   * message then ends with RETRIED_LATER, which `oneOffMessage` leaves out where nothing retries.
   */
  readonly retryable: boolean;
  /** A 401 from the web server's own login in front of WordPress (HTTP authentication), not from WooCommerce. */
  readonly siteLogin: boolean;

  constructor(
    kind: WooFailureKind,
    message: string,
    details: {
      status?: number | null;
      wooCode?: string | null;
      wooMessage?: string | null;
      location?: string | null;
      retryable?: boolean;
      siteLogin?: boolean;
      cause?: unknown;
    } = {},
  ) {
    super(`woocommerce_${kind}`, message, {
      httpStatus: HTTP_STATUS_OF[kind],
      cause: details.cause,
      ...(details.retryable ? { retryNote: RETRIED_LATER } : {}),
    });
    this.kind = kind;
    this.status = details.status ?? null;
    this.wooCode = details.wooCode ?? null;
    this.wooMessage = details.wooMessage ?? null;
    this.location = details.location ?? null;
    this.retryable = details.retryable ?? false;
    this.siteLogin = details.siteLogin ?? false;
  }
}

/** The WordPress `{code, message}` of an error body, if it is one. */
export function wordpressError(data: unknown): { code: string; message: string } | null {
  if (!data || typeof data !== "object") return null;
  const { code, message } = data as { code?: unknown; message?: unknown };
  if (typeof code !== "string") return null;
  return { code, message: typeof message === "string" ? stripTags(message) : "" };
}

/** Turns a store's HTTP answer into an error (the caller decided it is one). */
export function errorFromResponse(
  status: number,
  data: unknown,
  headers: Record<string, string>,
  operation: string,
): WooRequestError {
  const wp = wordpressError(data);
  const doing = requestWords(operation);
  const said = wp ? ` WooCommerce said: "${wp.message}" (${wp.code}).` : "";
  const details = { status, wooCode: wp?.code ?? null, wooMessage: wp?.message ?? null };
  if (status === 401 && /write permissions/i.test(wp?.message ?? "")) {
    return new WooRequestError(
      "read_only",
      "This API key is read-only, so Commerce Sync cannot create the webhooks that keep data current. " +
        "Create a key with Read/Write permission, or continue read-only with scheduled syncs.",
      details,
    );
  }
  if (status === 401 && /^Invalid timestamp/i.test(wp?.message ?? "")) {
    // Over plain http WooCommerce takes only OAuth 1.0a signatures, and only with a timestamp within 15 minutes of its
    // own clock: the key is fine, one of the two clocks is not.
    return new WooRequestError(
      "clock",
      `The store refused ${operation} because its clock and this server's differ by more than 15 minutes (401).` +
        `${said} Over http WooCommerce only accepts signatures made within 15 minutes of its own time: set the ` +
        "store server's clock right (automatic time/NTP); the key itself was not refused.",
      details,
    );
  }
  if (status === 401 && !wp && siteLoginScheme(headers)) {
    // The web server in front of WordPress asked for its own user name and password (a staging site behind HTTP
    // Basic authentication, a host's password protection): the key never reached WooCommerce, so neither a revoked
    // key nor a copy mistake explains it, and a new key would be refused the same way.
    return new WooRequestError("auth", siteLoginMessage(headers), { ...details, siteLogin: true });
  }
  if (status === 401) {
    // A key that worked (a sync, the webhook upkeep, a disconnect's cleanup) and is refused now: nobody copied it
    // since, so a copy mistake does not explain it. The connect's first test of a pasted key says more
    // (pastedKeyError).
    return new WooRequestError(
      "auth",
      `The store refused Commerce Sync's API key (401).${said} The key may have been revoked or deleted in ` +
        "WooCommerce → Settings → Advanced → REST API. Create a new key there with Read/Write permission and " +
        "connect it with Reconnect on the store's page, or use Reconnect to approve a new key in the store.",
      details,
    );
  }
  if (status === 403 && /^woocommerce_rest_cannot_/.test(wp?.code ?? "")) {
    // WooCommerce itself refused: the key was recognised, but its WordPress user lacks the capability (a key acts
    // with the permissions of the user it was created for).
    return new WooRequestError(
      "forbidden",
      `WooCommerce refused the API key's WordPress user (403) while ${doing}.${said} A key acts with the ` +
        "permissions of the user it belongs to: create it for an administrator or shop manager " +
        "(WooCommerce → Settings → Advanced → REST API → User).",
      details,
    );
  }
  if (status === 403) {
    return new WooRequestError(
      "forbidden",
      `The store refused access (403).${said} A security plugin or firewall may be blocking the REST API; ` +
        "allow requests to /wp-json/wc/ for this app.",
      details,
    );
  }
  if (status === 404) {
    return new WooRequestError(
      "not_found",
      `The store answered not found (404) while ${doing}.${said}`,
      details,
    );
  }
  if (status === 429) {
    return new WooRequestError("rate_limited", "The store is limiting how fast it can be read (429).", {
      ...details,
      retryable: true,
    });
  }
  if (status >= 500) {
    return new WooRequestError("server", `The store had an error (${status}) while ${doing}.${said}`, {
      ...details,
      retryable: true,
    });
  }
  if (status >= 300 && status < 400) {
    const location = headers.location ?? null;
    return new WooRequestError(
      "redirect",
      `The store redirected (${status}) to ${location ?? "another address"} while ${doing}. Reconnect the store ` +
        "with the address it redirects to.",
      { ...details, location },
    );
  }
  return new WooRequestError(
    "bad_request",
    `The store refused the request (${status}) while ${doing}.${said}`,
    details,
  );
}

/** The scheme of a `WWW-Authenticate` challenge asking for a user name and password (Basic, Digest), else null. */
function siteLoginScheme(headers: Record<string, string>): string | null {
  const match = /^\s*(basic|digest)\b/i.exec(headers["www-authenticate"] ?? "");
  return match ? match[1][0].toUpperCase() + match[1].slice(1).toLowerCase() : null;
}

function siteLoginMessage(headers: Record<string, string>): string {
  const realm = /realm="([^"]{1,80})"/i.exec(headers["www-authenticate"] ?? "")?.[1];
  return (
    `The store's web server asked for its own user name and password before WordPress could answer (401, HTTP ` +
    `${siteLoginScheme(headers)} authentication${realm ? `, "${stripTags(realm)}"` : ""}), so the API key never ` +
    "reached WooCommerce. This is usual on a password-protected staging site. Let /wp-json/ through that " +
    "protection (in the host's panel or the server's configuration), or connect the live store."
  );
}

/**
 * How the store refused a key (401), from WooCommerce's answer (WC_REST_Authentication in 11.x):
 * - "unknown": the store does not know the key. Over an OAuth 1.0a signature (plain http, and the client's last
 *   try over https) WooCommerce says `woocommerce_rest_authentication_error` "Consumer key is invalid."; over HTTP
 *   Basic or query keys an unknown key is not an error there, the request goes on as anonymous and the route answers
 *   401 `woocommerce_rest_cannot_view` (`…_cannot_create`, …: the real 11.0.1 body of a key WooCommerce did not read,
 *   reference error-basic-over-http.json). The client sends the key every way before it gives up, so an anonymous
 *   answer left at the end is a key the store does not know.
 * - "secret": the store knows the key, not its secret: `woocommerce_rest_authentication_error` "Invalid signature -
 *   provided signature does not match." (the real 11.0.1 body, error-wrong-secret.json) or, over Basic, "Consumer
 *   secret is invalid.".
 * - "other": anything else (a nonce used twice, a missing OAuth parameter, a 401 without WooCommerce's JSON).
 * The code tells an anonymous refusal from an authentication error; within `woocommerce_rest_authentication_error`
 * only WooCommerce's message tells a key from a secret (its English words, as the read-only and clock cases read them).
 */
export function keyRefusalOf(
  error: Pick<WooRequestError, "wooCode" | "wooMessage">,
): "unknown" | "secret" | "other" {
  if (/^woocommerce_rest_cannot_/.test(error.wooCode ?? "")) return "unknown";
  if (error.wooCode !== "woocommerce_rest_authentication_error") return "other";
  const said = error.wooMessage ?? "";
  if (/^Consumer key is invalid/i.test(said)) return "unknown";
  if (/^Consumer secret is invalid|provided signature does not match/i.test(said)) return "secret";
  return "other";
}

/**
 * The connect's first test of a key pasted a moment ago: a refused key is then most likely a copy mistake (a secret
 * cut short, a key of another store), and the owner is told so. Any other error is returned as it is.
 */
export function pastedKeyError<E>(error: E): E | WooRequestError {
  if (!(error instanceof WooRequestError) || error.kind !== "auth" || error.siteLogin) return error;
  const said = error.wooCode ? ` WooCommerce said: "${error.wooMessage ?? ""}" (${error.wooCode}).` : "";
  const refusal = keyRefusalOf(error);
  const message =
    refusal === "secret"
      ? `WooCommerce rejected the API key (401).${said} The consumer secret does not match the key: check that it ` +
        "was copied whole. WooCommerce shows a key's secret only once; if it is lost, create a new key."
      : refusal === "unknown"
        ? `WooCommerce does not know this consumer key (401).${said} Check that it was copied whole and that it ` +
          "was created on this store (WooCommerce → Settings → Advanced → REST API): a key of another store, or one " +
          "revoked or deleted there, is refused."
        : `WooCommerce rejected the API key (401).${said} Check that the consumer key and secret were copied whole ` +
          "and that the key was created on this store (WooCommerce → Settings → Advanced → REST API).";
  return new WooRequestError("auth", message, {
    status: error.status,
    wooCode: error.wooCode,
    wooMessage: error.wooMessage,
    cause: error,
  });
}

/**
 * A page of a list endpoint answered 200 with JSON that is not a list (a plugin rewriting REST answers, WordPress's
 * "critical error" object, a translation or membership plugin's own object). Never read as an empty page: the sync
 * would miss the store's records and a deletion check would take them all for gone.
 */
export function errorFromNotList(status: number, data: unknown, operation: string): WooRequestError {
  const body = data !== null && typeof data === "object" ? (data as Record<string, unknown>) : null;
  const said = typeof body?.message === "string" ? stripTags(body.message) : null;
  const code = typeof body?.code === "string" ? body.code : null;
  const shape = body ? "an object" : data === null ? "null" : `a ${typeof data}`;
  return new WooRequestError(
    "not_json",
    `The store answered with ${said ? `"${said}"${code ? ` (${code})` : ""}` : shape} instead of a list while ` +
      `${requestWords(operation)}. A caching, security or translation plugin may be rewriting the REST API's ` +
      "answers (/wp-json/wc/v3/); WooCommerce → Status → Logs may say which.",
    { status, wooCode: code, wooMessage: said, retryable: true },
  );
}

/**
 * A 2xx answer that is not WooCommerce's JSON: a caching, security or maintenance plugin's page, or another site at
 * the store's address. Read as data it would be an empty list (a sync with no changes, over a store that is not
 * answering).
 */
export function errorFromNotJson(
  status: number,
  headers: Record<string, string>,
  operation: string,
  printed: PhpMessage[] = [],
): WooRequestError {
  const type = headers["content-type"]?.split(";")[0]?.trim() || "no content type";
  const doing = requestWords(operation);
  const first = printed[0]?.text;
  return new WooRequestError(
    "not_json",
    /json/i.test(type)
      ? `The store's answer was not readable JSON while ${doing}: ` +
          (first
            ? `PHP printed "${first}" into it, and what followed was not whole JSON. `
            : "something was printed before or inside it, often a PHP notice or warning from a plugin. ") +
          "Set WP_DEBUG_DISPLAY to false in wp-config.php."
      : `The store answered with a web page (${type}) instead of WooCommerce's data while ${doing}. A caching, ` +
          "security or maintenance plugin may be answering for the REST API (/wp-json/), or the store's address " +
          "may now lead to another site.",
    { status, retryable: true },
  );
}

/**
 * PHP stopped with a fatal error while the store answered (`readStoreBody` found it): a plugin, a theme or the site's
 * PHP setup failed. The error is quoted (its first line, server paths shortened) because it names the plugin; the
 * details are in the site's PHP error log. Retried: a fatal error can pass (memory, time limits).
 */
export function errorFromPhpError(status: number, printed: PhpMessage[], operation: string): WooRequestError {
  const error = printed.find((m) => m.fatal) ?? printed[0];
  return new WooRequestError(
    "php_error",
    `The store printed a PHP error instead of WooCommerce's data while ${requestWords(operation)} (HTTP ` +
      `${status}): "${error?.text ?? "unknown error"}". A plugin, the theme or the site's PHP setup failed there: ` +
      "the site's PHP error log has the details (with WP_DEBUG_LOG on, WordPress writes it to " +
      "wp-content/debug.log). Set WP_DEBUG_DISPLAY to false in wp-config.php so PHP errors stay out of API answers.",
    { status, retryable: true },
  );
}

const TLS_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_REVOKED",
  "CERT_UNTRUSTED",
  "EPROTO",
  "ERR_SSL_WRONG_VERSION_NUMBER",
]);

/** OpenSSL's words when the other side does not speak TLS at all (e.g. https:// sent to a plain-http server). */
const NOT_TLS = /wrong version number|packet length too long|unknown protocol/i;

const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "EPIPE",
  "ECONNREFUSED",
  "EAI_AGAIN",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
  "ENETUNREACH",
  "EHOSTUNREACH",
]);

/** A transport failure's code in words (Node's ECONNREFUSED means nothing to a store owner). */
const TRANSPORT_WORDS: Record<string, string> = {
  ECONNRESET: "the connection was cut",
  EPIPE: "the connection was cut",
  ECONNREFUSED: "connection refused",
  EAI_AGAIN: "its name could not be looked up",
  ERR_SOCKET_CONNECTION_TIMEOUT: "the connection timed out",
  ENETUNREACH: "no network route to it",
  EHOSTUNREACH: "no network route to it",
};

/** Turns a transport failure (no HTTP answer) into an error. */
export function errorFromTransport(error: unknown, operation: string, timeoutMs: number): WooRequestError {
  const code = String((error as { code?: unknown })?.code ?? "");
  const message = error instanceof Error ? error.message : String(error);
  const doing = requestWords(operation);
  if (code === "ECONNABORTED" || code === "ETIMEDOUT" || /timeout/i.test(message)) {
    return new WooRequestError(
      "timeout",
      `The store did not answer within ${Math.round(timeoutMs / 1000)} seconds while ${doing}. It may be ` +
        "overloaded or down.",
      { retryable: true, cause: error },
    );
  }
  if (code === "ERR_SSL_WRONG_VERSION_NUMBER" || NOT_TLS.test(message)) {
    // What answered is not an HTTPS server (plain http on that port, or another service): no certificate was seen.
    return new WooRequestError(
      "tls",
      "The store did not answer over HTTPS at this address: the secure connection could not be set up " +
        `(${code || "TLS handshake failed"}). Check that the address is right; a server that only speaks plain ` +
        "http, or a wrong port, answers like this.",
      { cause: error },
    );
  }
  if (TLS_CODES.has(code) || /certificate|ssl|tls/i.test(message)) {
    return new WooRequestError(
      "tls",
      `The store's HTTPS certificate could not be verified (${code || "TLS error"}). Install a valid ` +
        "certificate for this address (an expired, self-signed or other-domain certificate is refused).",
      { cause: error },
    );
  }
  if (code === "ENOTFOUND") {
    return new WooRequestError(
      "host_not_found",
      "No server with this name could be found. Check the store address for typos.",
      { cause: error },
    );
  }
  if (TRANSIENT_CODES.has(code) || /socket hang up/i.test(message)) {
    return new WooRequestError(
      "unreachable",
      `Commerce Sync could not reach the store while ${doing} (${TRANSPORT_WORDS[code] ?? "connection lost"}). ` +
        "Check that the store's site is up and that the address is right.",
      { retryable: true, cause: error },
    );
  }
  return new WooRequestError("unreachable", `Commerce Sync could not reach the store while ${doing}.`, {
    retryable: false,
    cause: error,
  });
}

function stripTags(text: string): string {
  return text
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 300);
}
