/**
 * The WooCommerce REST client: the official `@woocommerce/woocommerce-rest-api` (OAuth 1.0a signatures over http,
 * HTTP Basic over https, only `/wp-json/` URLs) plus what a connector needs around it:
 *
 * - every connection goes through the SSRF policy (`lookup` on the agents; IP literals checked up front) and
 *   redirects are never followed (a signed request must not be replayed elsewhere);
 * - retries with exponential backoff and jitter on 429, 5xx, timeouts and dropped connections, honouring
 *   `Retry-After` (seconds or an HTTP date); writes are retried only when the store refused them outright (429);
 * - every attempt is reported to `recordCall` (operation, status, duration, attempt): never keys, URLs or bodies;
 * - over https the key goes as HTTP Basic; when the store answers as if no key came (401 other than
 *   `woocommerce_rest_authentication_error`: the web server dropped the Authorization header, as Apache with PHP as
 *   CGI/FastCGI does), the request is repeated once with `consumer_key`/`consumer_secret` query parameters, which
 *   this client then keeps using (`authInQuery`; saved with the store at connect);
 * - when the query parameters go unseen too, WordPress does not know the request came over https (a proxy or load
 *   balancer ends TLS without setting HTTPS: `is_ssl()` is false, so WooCommerce ignores Basic and query keys and
 *   checks OAuth 1.0a signed over the site's http:// address). The request is repeated once signed that way and still
 *   sent over https (`oauthOverHttps`, saved at connect). An unknown key then gets WooCommerce's own words for it
 *   ("Consumer key is invalid.") instead of an anonymous refusal.
 * - answers are read as text and then as JSON (`readStoreBody`): ids above 2^53 stay exact, and the JSON of a store
 *   whose PHP prints notices into its answers is read after them (counted in `phpOutput`, never logged per answer);
 *   a PHP fatal error fails the request saying so (ADR 0058).
 */
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { rootCertificates } from "node:tls";
import WooModule from "@woocommerce/woocommerce-rest-api";
import axios, { type AxiosAdapter, type InternalAxiosRequestConfig } from "axios";
import type { AddressPolicy } from "../../lib/network-guard.server";
import { AddressRefusedError } from "../../lib/network-guard.server";
import { abortableSleep, parseRetryAfterMs } from "../../lib/retry-timing";
import type { StoreCallRecorder } from "../../sync/platform";
import {
  WooRequestError,
  errorFromNotJson,
  errorFromNotList,
  errorFromPhpError,
  errorFromResponse,
  errorFromTransport,
  wordpressError,
} from "./errors";
import { readStoreBody } from "./php-output";

type OfficialClient = import("@woocommerce/woocommerce-rest-api").default;
type OfficialOptions = import("@woocommerce/woocommerce-rest-api").IWooCommerceRestApiOptions;

/** The CommonJS package's default export, however the loader (Node, Vite SSR) exposes it. */
const WooCommerceRestApi = ((WooModule as unknown as { default?: unknown }).default ?? WooModule) as new (
  options: OfficialOptions,
) => OfficialClient;

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  maxAttempts: number;
  /** First backoff; doubles per attempt, with full jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A `Retry-After` longer than this fails the request instead (the job runner retries much later). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/** HTTP agents shared by every client of one platform module (keep-alive, SSRF lookup, optional extra CA). */
export interface WooAgents {
  http: http.Agent;
  https: https.Agent;
  policy: AddressPolicy;
  destroy(): void;
}

/** Builds the agents once per process. `extraCa` adds a trusted certificate (tests' self-signed emulator). */
export function createWooAgents(
  policy: AddressPolicy,
  options: { extraCa?: string; maxSockets?: number } = {},
) {
  const common = { keepAlive: true, maxSockets: options.maxSockets ?? 32, lookup: policy.lookup };
  const agents: WooAgents = {
    http: new http.Agent(common),
    https: new https.Agent({
      ...common,
      ...(options.extraCa ? { ca: [...rootCertificates, options.extraCa] } : {}),
    }),
    policy,
    destroy() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
  return agents;
}

export interface WooClientOptions {
  /** Canonical store URL (no trailing slash), e.g. https://shop.example.com or https://example.com/shop. */
  storeUrl: string;
  consumerKey: string;
  consumerSecret: string;
  agents: WooAgents;
  recordCall?: StoreCallRecorder;
  /** Per attempt. Default 30 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Waits between attempts (tests replace it). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Send the key as query parameters over https from the start (the store drops the Authorization header). */
  authInQuery?: boolean;
  /** Sign with OAuth 1.0a over the http:// address from the start (WordPress behind a proxy sees plain http). */
  oauthOverHttps?: boolean;
}

/** How the key travels over https: HTTP Basic, query parameters, or an OAuth 1.0a signature over http://. */
export type KeyTransport = "basic" | "query" | "oauth";

export interface WooResponse<T> {
  status: number;
  data: T;
  /** Lower-case header names. */
  headers: Record<string, string>;
}

export type Params = Record<string, string | number | boolean | undefined>;

/** What a client's answers held besides their JSON (`WooClient.phpOutput`). */
export interface PhpOutputTally {
  /** Successful answers read as JSON with nothing printed around them. */
  clean: number;
  /** Answers whose JSON was read after (or before) PHP messages the store printed into them. */
  printed: number;
  /** The first such message (its first line, server paths shortened), or null. */
  firstMessage: string | null;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Statuses the caller handles itself (returned, not thrown), e.g. 404 when probing. */
  accept?: number[];
  /** The answer must be a JSON list (a list endpoint's page); anything else fails instead of reading as empty. */
  list?: boolean;
}

type Method = "get" | "post" | "put" | "delete";

/** A client for one store and one key. Cheap to create; the agents carry the connections. */
export class WooClient {
  readonly storeUrl: string;
  private readonly https: boolean;
  private transport: KeyTransport;
  /** Transports already tried after the key went unseen (each fallback once per client). */
  private readonly tried = new Set<KeyTransport>();
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly tally: PhpOutputTally = { clean: 0, printed: 0, firstMessage: null };

  constructor(private readonly options: WooClientOptions) {
    this.storeUrl = options.storeUrl.replace(/\/+$/, "");
    this.https = /^https:/i.test(this.storeUrl);
    this.transport = !this.https
      ? "oauth"
      : options.oauthOverHttps
        ? "oauth"
        : options.authInQuery
          ? "query"
          : "basic";
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.sleep = options.sleep ?? abortableSleep;
    // Connections to an IP literal skip the agents' lookup: check it here, once (the URL never changes).
    const host = new URL(this.storeUrl).hostname.replace(/^\[|\]$/g, "");
    if (isIP(host)) {
      const kind = options.agents.policy.classify(host);
      const allowed =
        kind === "public" ||
        (options.agents.policy.allowPrivate && (kind === "loopback" || kind === "private"));
      if (!allowed) throw new AddressRefusedError(host, kind as Exclude<typeof kind, "public">);
    }
  }

  /** True when the key goes as query parameters (https store whose server drops the Authorization header). */
  get authInQuery(): boolean {
    return this.https && this.transport === "query";
  }

  /** True when an https store is signed for over its http:// address (WordPress does not see the https). */
  get oauthOverHttps(): boolean {
    return this.https && this.transport === "oauth";
  }

  /**
   * How many answers came clean and how many with PHP messages printed into them (display_errors on at the store),
   * for the store's owner to hear about once (ADR 0058).
   */
  get phpOutput(): PhpOutputTally {
    return { ...this.tally };
  }

  get<T>(endpoint: string, params: Params = {}, options: RequestOptions = {}) {
    return this.request<T>("get", endpoint, params, undefined, options);
  }
  /** A page of a list endpoint: a 200 answer that is not a JSON list fails (errorFromNotList), never reads as empty. */
  list<T>(endpoint: string, params: Params = {}, options: RequestOptions = {}) {
    return this.request<T[]>("get", endpoint, params, undefined, { ...options, list: true });
  }
  post<T>(endpoint: string, body: unknown, options: RequestOptions = {}) {
    return this.request<T>("post", endpoint, {}, body, options);
  }
  put<T>(endpoint: string, body: unknown, options: RequestOptions = {}) {
    return this.request<T>("put", endpoint, {}, body, options);
  }
  delete<T>(endpoint: string, params: Params = {}, options: RequestOptions = {}) {
    return this.request<T>("delete", endpoint, params, undefined, options);
  }

  /** One REST call under `/wp-json/wc/v3/`, with retries. Throws WooRequestError (or the abort reason). */
  async request<T>(
    method: Method,
    endpoint: string,
    params: Params,
    body: unknown,
    options: RequestOptions,
  ): Promise<WooResponse<T>> {
    const operation = `${method.toUpperCase()} /wc/v3/${endpoint.replace(/\/\d+(?=\/|$)/g, "/{id}")}`;
    const cleanParams = Object.fromEntries(
      Object.entries(params).filter(([, v]) => v !== undefined),
    ) as Record<string, string | number | boolean>;
    const startedWith = this.transport;
    for (let attempt = 1; ; attempt++) {
      options.signal?.throwIfAborted();
      const started = performance.now();
      let failure: WooRequestError;
      let retryAfterMs: number | null = null;
      try {
        const response = await this.send(method, endpoint, cleanParams, body, options.signal);
        const headers = lowerCaseHeaders(response.headers);
        const text = typeof response.data === "string" ? response.data : "";
        const read = readStoreBody(text);
        const data = read.kind === "json" ? read.value : text;
        // PHP output sent before WordPress's headers leaves PHP's 200 on the answer: WordPress's error body says more.
        const status =
          read.kind === "json" && read.printed.length > 0
            ? (errorStatusIn(data) ?? response.status)
            : response.status;
        const ok = status >= 200 && status < 300;
        const next =
          status === 401 && this.https
            ? unseenKey(data)
              ? this.fallback()
              : this.signedForHttpInVain(data)
            : null;
        if (next) {
          // The store saw no key: its web server may drop the Authorization header (then the query works), or WordPress
          // may not know it is served over https (then only an OAuth signature over http:// is read). Same request.
          this.record(operation, "retried", started, attempt, 401, `key not read as ${this.transport}`);
          this.tried.add(this.transport);
          this.transport = next;
          continue;
        }
        // A fallback that did not help: the key itself is refused, so the usual way stays the way to send it.
        if (status === 401 && this.transport !== startedWith) this.transport = startedWith;
        if (read.kind === "json" && (ok || read.printed.length > 0))
          this.count(read.printed.map((m) => m.text));
        if (read.kind === "php_error") {
          // PHP stopped before the answer was written, whatever the status (200 when the message went out first).
          failure = errorFromPhpError(status, read.printed, operation);
        } else if (ok && read.kind === "text" && text.trim() !== "") {
          // Text is a page someone else answered with (or JSON cut short), never an empty list.
          failure = errorFromNotJson(status, headers, operation, read.printed);
        } else if (ok && options.list && !Array.isArray(data)) {
          failure = errorFromNotList(status, data, operation);
        } else if (ok || options.accept?.includes(status)) {
          this.record(operation, "ok", started, attempt, status);
          return { status, data: data as T, headers };
        } else {
          failure = errorFromResponse(status, data, headers, operation);
          retryAfterMs = parseRetryAfterMs(headers["retry-after"]);
        }
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        const refused = refusalIn(error);
        if (refused) {
          this.record(operation, "error", started, attempt, undefined, refused.message);
          throw refused;
        }
        failure = errorFromTransport(error, operation, this.timeoutMs);
      }
      // Writes are repeated only when the store said it did nothing (429); a 5xx may have applied them.
      const mayRetry = failure.retryable && (method === "get" || failure.kind === "rate_limited");
      const delayMs = mayRetry ? this.delayBefore(attempt + 1, retryAfterMs) : null;
      if (delayMs === null) {
        this.record(operation, "error", started, attempt, failure.status ?? undefined, failure.message);
        throw failure;
      }
      this.record(operation, "retried", started, attempt, failure.status ?? undefined, failure.message);
      await this.sleep(delayMs, options.signal);
    }
  }

  /** Counts an answer read as JSON, with the messages PHP printed around it (none: a clean one). */
  private count(printed: string[]) {
    if (printed.length === 0) {
      this.tally.clean += 1;
      return;
    }
    this.tally.printed += 1;
    this.tally.firstMessage ??= printed[0];
  }

  /** The next way to send the key after the store saw none, or null when every way was tried. */
  private fallback(): KeyTransport | null {
    const order: KeyTransport[] = ["basic", "query", "oauth"];
    const after = order.slice(order.indexOf(this.transport) + 1);
    return after.find((t) => !this.tried.has(t)) ?? null;
  }

  /**
   * Basic, when a signature over the http:// address was checked against the https one: WordPress now knows it is
   * served over https (the proxy was fixed since `oauthOverHttps` was saved). Once per client.
   */
  private signedForHttpInVain(data: unknown): KeyTransport | null {
    if (this.transport !== "oauth" || this.tried.has("basic")) return null;
    const said = wordpressError(data);
    return said?.code === "woocommerce_rest_authentication_error" && /signature/i.test(said.message)
      ? "basic"
      : null;
  }

  /** Milliseconds to wait before `attempt`, or null when it should not be made. */
  private delayBefore(attempt: number, retryAfterMs: number | null): number | null {
    if (attempt > this.retry.maxAttempts) return null;
    if (retryAfterMs !== null) return retryAfterMs > this.retry.maxRetryAfterMs ? null : retryAfterMs;
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 2));
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }

  private send(
    method: Method,
    endpoint: string,
    params: Record<string, string | number | boolean>,
    body: unknown,
    signal?: AbortSignal,
  ) {
    // A fresh official client per request: its axios config (abort signal) is per instance. For an OAuth signature
    // over an https store's http:// address, the client is given that address (it signs http URLs only) and the
    // adapter puts https back before anything is sent.
    const signAsHttp = this.https && this.transport === "oauth";
    const client = new WooCommerceRestApi({
      url: signAsHttp ? this.storeUrl.replace(/^https:/i, "http:") : this.storeUrl,
      consumerKey: this.options.consumerKey,
      consumerSecret: this.options.consumerSecret,
      version: "wc/v3",
      queryStringAuth: this.transport === "query",
      timeout: this.timeoutMs,
      axiosConfig: {
        ...(signAsHttp ? { adapter: overHttps } : {}),
        signal,
        httpAgent: this.options.agents.http,
        httpsAgent: this.options.agents.https,
        maxRedirects: 0,
        maxContentLength: 64 * 1024 * 1024,
        validateStatus: () => true,
        transitional: { clarifyTimeoutError: true, silentJSONParsing: true },
        // The text as received: request() reads it (readStoreBody), which axios's JSON parsing would round ids for.
        transformResponse: [(data: unknown) => data],
      },
    });
    const stringParams = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
    switch (method) {
      case "get":
        return client.get(endpoint, stringParams);
      case "delete":
        return client.delete(endpoint, stringParams);
      case "post":
        return client.post(endpoint, body as object, stringParams);
      case "put":
        return client.put(endpoint, body as object, stringParams);
    }
  }

  private record(
    operation: string,
    outcome: "ok" | "retried" | "error",
    started: number,
    attempt: number,
    httpStatus?: number,
    error?: string,
  ) {
    try {
      this.options.recordCall?.({
        operation,
        outcome,
        durationMs: Math.round(performance.now() - started),
        attempt,
        ...(httpStatus !== undefined ? { httpStatus } : {}),
        ...(error ? { error: error.slice(0, 300) } : {}),
      });
    } catch {
      // The audit trail must never break a sync.
    }
  }
}

const httpAdapter = axios.getAdapter("http");

/** Sends a request built for an http:// URL over https instead (same host, port and path). */
const overHttps: AxiosAdapter = (config: InternalAxiosRequestConfig) =>
  httpAdapter({ ...config, url: config.url?.replace(/^http:/i, "https:") });

/**
 * A 401 that means the store saw no key at all (anonymous: `woocommerce_rest_cannot_view`, `…_cannot_create`, …), as
 * opposed to a key it saw and refused (`woocommerce_rest_authentication_error`: wrong secret, missing permission).
 */
function unseenKey(data: unknown): boolean {
  const code = (data as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^woocommerce_rest_cannot_/.test(code);
}

/** The status of a WordPress error body (`{code, message, data: {status}}`), when it names a 4xx or 5xx one. */
function errorStatusIn(data: unknown): number | null {
  if (!wordpressError(data)) return null;
  const status = (data as { data?: { status?: unknown } }).data?.status;
  return typeof status === "number" && Number.isInteger(status) && status >= 400 && status <= 599
    ? status
    : null;
}

/** The SSRF refusal behind a transport error (axios wraps what the agent's lookup raised). */
function refusalIn(error: unknown): AddressRefusedError | null {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof AddressRefusedError) return e;
  }
  return null;
}

function lowerCaseHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const source =
    headers && typeof (headers as { toJSON?: () => unknown }).toJSON === "function"
      ? ((headers as { toJSON: () => Record<string, unknown> }).toJSON() as Record<string, unknown>)
      : ((headers ?? {}) as Record<string, unknown>);
  for (const [k, v] of Object.entries(source)) {
    if (v === undefined || v === null) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : String(v);
  }
  return out;
}
