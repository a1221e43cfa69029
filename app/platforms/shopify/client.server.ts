/**
 * The Shopify Admin GraphQL client: the only code that sends GraphQL to Shopify.
 *
 * - Paces every request from Shopify's own `throttleStatus` (throttle.ts), so the bucket is used fully and never
 *   overdrawn; a `THROTTLED` answer (HTTP 200) waits exactly as long as Shopify's numbers say, then retries.
 * - Retries HTTP 429 after `Retry-After`, and 5xx, network errors and timeouts with bounded exponential backoff.
 * - A refused token (401) is refreshed once (expiring offline tokens), then reported as ShopifyAuthError.
 * - Turns GraphQL errors into typed AppErrors (errors.ts) and counts every attempt in the audit trail (operation,
 *   outcome, status, duration; never tokens or bodies).
 */
import type { StoreCallRecorder } from "../../sync/platform";
import {
  ShopifyAccessDeniedError,
  ShopifyAuthError,
  ShopifyGraphqlError,
  ShopifyHttpError,
  ShopifyProtectedDataError,
  ShopifyQueryCostError,
  ShopifyThrottledError,
  ShopifyTimeoutError,
} from "./errors";
import type { QueryCost, ShopifyThrottle } from "./throttle";
import { abortableSleep } from "../../lib/retry-timing";
import { backoffDelayMs, isAbortError, retryAfterMs } from "./retry";
import { startCall } from "./call-record";

/** Where the client gets the shop's offline access token (see access-token.server.ts). */
export interface AccessTokenSource {
  get(): Promise<string>;
  /** A fresh token after Shopify refused `rejected`, or null when none can be had. */
  refresh(rejected: string): Promise<string | null>;
}

export interface ShopifyClientOptions {
  shop: string;
  apiVersion: string;
  fetch: typeof fetch;
  accessToken: AccessTokenSource;
  recordCall: StoreCallRecorder;
  throttle: ShopifyThrottle;
  /** Per-attempt timeout. */
  timeoutMs?: number;
  /** Attempts for 5xx, network errors and timeouts (and, separately, for 429). */
  maxAttempts?: number;
  /** Longest total wait spent on THROTTLED answers for one request before giving up. */
  maxThrottleWaitMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface GraphqlError {
  message: string;
  path?: Array<string | number>;
  extensions?: { code?: string; [key: string]: unknown };
}

interface GraphqlBody<T> {
  data?: T;
  errors?: GraphqlError[] | string;
  extensions?: { cost?: QueryCost };
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_MAX_THROTTLE_WAIT_MS = 5 * 60_000;

/** Shopify's refusals of protected customer data ("This app is not approved to use the email field. See …"). */
const PROTECTED_DATA = /protected[- ]customer[- ]data|not approved to (access|use|subscribe)/i;

export class ShopifyGraphqlClient {
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly maxThrottleWaitMs: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(private readonly options: ShopifyClientOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.maxThrottleWaitMs = options.maxThrottleWaitMs ?? DEFAULT_MAX_THROTTLE_WAIT_MS;
    this.sleep = options.sleep ?? abortableSleep;
  }

  get shop(): string {
    return this.options.shop;
  }

  private get endpoint(): string {
    return `https://${this.options.shop}/admin/api/${this.options.apiVersion}/graphql.json`;
  }

  /**
   * Sends one GraphQL operation and returns its `data`. `operation` names it in the audit trail and keys its learned
   * cost (use the document's operation name).
   */
  async request<T>(
    operation: string,
    query: string,
    variables: Record<string, unknown> = {},
    options: { signal?: AbortSignal } = {},
  ): Promise<T> {
    const { throttle } = this.options;
    const signal = options.signal;
    let failures = 0;
    let throttledWaitMs = 0;
    let rateLimited = 0;
    let refreshed = false;
    let token = await this.options.accessToken.get();
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      const delayMs = throttle.delayBeforeMs(operation);
      if (delayMs > 0) await this.sleep(delayMs, signal);
      const release = throttle.reserve(operation);
      const record = startCall(this.options.recordCall, `graphql:${operation}`, attempt);
      let response: Response;
      try {
        response = await this.send(token, query, variables, operation, signal);
      } catch (error) {
        release();
        if (signal?.aborted) throw signal.reason ?? error;
        failures += 1;
        const timedOut = isAbortError(error);
        const detail = timedOut ? `no answer within ${this.timeoutMs} ms` : "network error";
        if (failures >= this.maxAttempts) {
          record("error", undefined, detail);
          throw timedOut
            ? new ShopifyTimeoutError(operation, this.timeoutMs)
            : new ShopifyHttpError(operation, 0, (error as Error).message, { retryable: true });
        }
        record("retried", undefined, detail);
        await this.sleep(backoffDelayMs(failures), signal);
        continue;
      }
      const status = response.status;
      if (status === 401 && !refreshed) {
        release();
        await response.body?.cancel();
        refreshed = true;
        const fresh = await this.options.accessToken.refresh(token);
        if (fresh) {
          record("retried", status, "access token refreshed");
          token = fresh;
          continue;
        }
        record("error", status, "access token refused");
        throw new ShopifyAuthError(this.options.shop, status);
      }
      if (status === 401 || status === 403) {
        release();
        await response.body?.cancel();
        record("error", status, "access token refused");
        throw new ShopifyAuthError(this.options.shop, status);
      }
      if (status === 429) {
        release();
        await response.body?.cancel();
        rateLimited += 1;
        if (rateLimited >= this.maxAttempts * 2) {
          record("error", status, "rate limited");
          throw new ShopifyThrottledError(operation, throttledWaitMs);
        }
        const waitMs = retryAfterMs(response.headers.get("Retry-After"), 2_000);
        record("retried", status, `rate limited, retry after ${waitMs} ms`);
        throttledWaitMs += waitMs;
        await this.sleep(waitMs, signal);
        continue;
      }
      if (status >= 500) {
        release();
        await response.body?.cancel();
        failures += 1;
        if (failures >= this.maxAttempts) {
          record("error", status, "server error");
          throw new ShopifyHttpError(operation, status, "Shopify is having trouble", { retryable: true });
        }
        record("retried", status, "server error");
        await this.sleep(backoffDelayMs(failures), signal);
        continue;
      }
      let body: GraphqlBody<T>;
      try {
        body = (await response.json()) as GraphqlBody<T>;
      } catch {
        release();
        record("error", status, "response is not JSON");
        throw new ShopifyHttpError(operation, status, "the answer was not JSON");
      }
      throttle.observe(operation, body.extensions?.cost);
      release();
      if (status !== 200) {
        const detail = typeof body.errors === "string" ? body.errors : (body.errors?.[0]?.message ?? "");
        record("error", status, `HTTP ${status}`);
        throw new ShopifyHttpError(operation, status, detail);
      }
      const errors = typeof body.errors === "string" ? [{ message: body.errors }] : (body.errors ?? []);
      if (errors.length === 0) {
        record("ok", status);
        return body.data as T;
      }
      const codes = errors.map((e) => String(e.extensions?.code ?? ""));
      if (codes.includes("THROTTLED")) {
        const waitMs = Math.max(throttle.delayBeforeMs(operation), throttle.waitAfterThrottleMs(operation));
        if (throttledWaitMs + waitMs > this.maxThrottleWaitMs) {
          record("error", status, "THROTTLED");
          throw new ShopifyThrottledError(operation, throttledWaitMs);
        }
        record("retried", status, "THROTTLED");
        throttledWaitMs += waitMs;
        await this.sleep(waitMs, signal);
        continue;
      }
      if (codes.includes("INTERNAL_SERVER_ERROR") && failures + 1 < this.maxAttempts) {
        failures += 1;
        record("retried", status, "INTERNAL_SERVER_ERROR");
        await this.sleep(backoffDelayMs(failures), signal);
        continue;
      }
      record("error", status, codes.filter(Boolean).join(",") || "GraphQL error");
      throw this.graphqlError(operation, errors, body.extensions?.cost);
    }
  }

  private async send(
    token: string,
    query: string,
    variables: Record<string, unknown>,
    operation: string,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    return this.options.fetch(this.endpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-Shopify-Access-Token": token,
      },
      body: JSON.stringify({ query, variables, operationName: operation }),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  }

  private graphqlError(operation: string, errors: GraphqlError[], cost: QueryCost | undefined): Error {
    const codes = errors.map((e) => String(e.extensions?.code ?? ""));
    const first = errors[0]?.message ?? "unknown error";
    if (codes.includes("MAX_COST_EXCEEDED")) {
      return new ShopifyQueryCostError(operation, cost?.requestedQueryCost ?? null, 1000);
    }
    if (errors.some((e) => PROTECTED_DATA.test(e.message))) return new ShopifyProtectedDataError(operation);
    if (codes.includes("ACCESS_DENIED")) return new ShopifyAccessDeniedError(operation, first);
    return new ShopifyGraphqlError(operation, codes.filter(Boolean), first);
  }
}
