/**
 * What a benchmark needs from the store: a configurable latency on REST list pages (real WooCommerce pages are
 * slow — hundreds of milliseconds), and the store's view of concurrency — requests in flight now and the
 * high-water mark since the last reset — so a client can prove it never exceeds its own page concurrency — and a
 * log of the REST requests themselves (method, route, query without credentials), so a test can prove which
 * requests a client made and which it did not.
 */
import type { ServerResponse } from "node:http";
import { BoundedLog } from "../../shared/bounded-log";

export interface LoadSnapshot {
  latency_ms: number;
  in_flight: number;
  max_in_flight: number;
  requests: number;
}

/** One REST request as the log keeps it. */
export interface LoggedRequest {
  method: string;
  /** `/wp-json/wc/v3/orders` (a `?rest_route=` request is logged under `/wp-json` + its route). */
  path: string;
  /** Query parameters in arrival order, without `oauth_*`, `consumer_key` and `consumer_secret`. */
  query: Record<string, string>;
}

/** The most requests the log keeps (the oldest go first). */
export const REQUEST_LOG_LIMIT = 10_000;

const CREDENTIAL_PARAM = /^(oauth_|consumer_key$|consumer_secret$)/;

export class LoadMeter {
  private inFlight = 0;
  private maxInFlight = 0;
  private requests = 0;
  private readonly log = new BoundedLog<LoggedRequest>(REQUEST_LOG_LIMIT);

  constructor(public latencyMs = 0) {}

  /** Counts a REST request from arrival until its answer is finished or its connection closes, and logs it. */
  track(res: ServerResponse, request?: { method: string; path: string; params: URLSearchParams }): void {
    if (request) {
      const query: Record<string, string> = {};
      for (const [name, value] of request.params) if (!CREDENTIAL_PARAM.test(name)) query[name] = value;
      this.log.add({ method: request.method, path: request.path, query });
    }
    this.requests++;
    this.inFlight++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
    let done = false;
    const end = () => {
      if (done) return;
      done = true;
      this.inFlight--;
    };
    res.once("finish", end);
    res.once("close", end);
  }

  /** Waits the configured latency (list pages only). */
  async listDelay(): Promise<void> {
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
  }

  /** The REST requests logged since the last `clearRequests` (oldest first; a copy). */
  requestLog(): LoggedRequest[] {
    return this.log.list().map((r) => ({ ...r, query: { ...r.query } }));
  }

  clearRequests(): void {
    this.log.clear();
  }

  /** Starts a new measurement: the high-water mark restarts from what is in flight now. */
  reset(): void {
    this.maxInFlight = this.inFlight;
    this.requests = 0;
  }

  snapshot(): LoadSnapshot {
    return {
      latency_ms: this.latencyMs,
      in_flight: this.inFlight,
      max_in_flight: this.maxInFlight,
      requests: this.requests,
    };
  }
}
