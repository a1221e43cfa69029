/**
 * What a benchmark needs from the store: a configurable latency on REST list pages (real WooCommerce pages are
 * slow — hundreds of milliseconds), and the store's view of concurrency — requests in flight now and the
 * high-water mark since the last reset — so a client can prove it never exceeds its own page concurrency.
 */
import type { ServerResponse } from "node:http";

export interface LoadSnapshot {
  latency_ms: number;
  in_flight: number;
  max_in_flight: number;
  requests: number;
}

export class LoadMeter {
  private inFlight = 0;
  private maxInFlight = 0;
  private requests = 0;

  constructor(public latencyMs = 0) {}

  /** Counts a REST request from arrival until its answer is finished or its connection closes. */
  track(res: ServerResponse): void {
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
