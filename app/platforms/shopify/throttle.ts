/**
 * Pacing for Shopify's GraphQL leaky bucket, driven only by what Shopify reports: each response's
 * `extensions.cost.throttleStatus` (bucket size, points available, restore rate) and `requestedQueryCost` (what
 * Shopify reserves for that operation). The app never computes a query's cost itself, and never paces on
 * `actualQueryCost`: Shopify runs a query only when the bucket holds its whole requested cost (then refunds
 * requested − actual), and real actual costs are often a twentieth of the requested (a 250-id page: 252 vs 12), so a
 * pacing on actual would be refused on a nearly empty bucket (client-pacing.test.ts shows it against the emulator).
 *
 * Before a request, the points available now are extrapolated from the last status (restore rate × time since it
 * was observed), minus what requests already in flight in this process reserved. If the operation's last requested
 * cost fits, it goes at once (the bucket is used fully); otherwise it waits exactly long enough (never overdrawn).
 * An operation never seen before goes at once: its first answer (or its THROTTLED error) teaches its cost.
 *
 * `timeScale` (default 1) is for emulators whose time runs K times faster than the clock (the Shopify emulator's
 * `--time-scale`): the bucket then restores K × `restoreRate` points per real second while still reporting Shopify's
 * numbers, so every wait is divided by K. Against real Shopify it is always 1.
 */

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface QueryCost {
  requestedQueryCost?: number | null;
  actualQueryCost?: number | null;
  throttleStatus?: ThrottleStatus | null;
}

/** One shop's bucket as this process sees it. Share one instance between every client of the same shop. */
export class ShopifyThrottle {
  private status: ThrottleStatus | null = null;
  private observedAtMs = 0;
  private reservedPoints = 0;
  private readonly requestedCostPoints = new Map<string, number>();

  constructor(
    private readonly nowMs: () => number = Date.now,
    private readonly timeScale = 1,
  ) {}

  /** Points restored per real second by the last report. */
  private restorePerS(): number {
    return Math.max(this.status?.restoreRate ?? 0, 1) * this.timeScale;
  }

  /** Points Shopify reserves for `operation`, as it last said (undefined until first seen). */
  costOf(operation: string): number | undefined {
    return this.requestedCostPoints.get(operation);
  }

  /** Points available now by Shopify's last report, less this process's reservations (null before any report). */
  availablePoints(): number | null {
    if (!this.status) return null;
    const elapsedS = Math.max(0, this.nowMs() - this.observedAtMs) / 1000;
    const restored = this.status.currentlyAvailable + this.status.restoreRate * this.timeScale * elapsedS;
    return Math.min(this.status.maximumAvailable, restored) - this.reservedPoints;
  }

  /** How long to wait before sending `operation` (0 = now). */
  delayBeforeMs(operation: string): number {
    const cost = this.requestedCostPoints.get(operation);
    const available = this.availablePoints();
    if (cost === undefined || available === null || !this.status) return 0;
    // A query costing more than the whole bucket can never fit; send it and let Shopify say so.
    if (cost > this.status.maximumAvailable || available >= cost) return 0;
    return Math.ceil(((cost - available) / this.restorePerS()) * 1000);
  }

  /** Marks `operation`'s points as taken until its answer arrives; returns the release function. */
  reserve(operation: string): () => void {
    const points = this.requestedCostPoints.get(operation) ?? 0;
    this.reservedPoints += points;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.reservedPoints -= points;
    };
  }

  /** Takes Shopify's report from a response (or a THROTTLED error) for `operation`. */
  observe(operation: string, cost: QueryCost | null | undefined): void {
    if (!cost) return;
    if (typeof cost.requestedQueryCost === "number") {
      this.requestedCostPoints.set(operation, cost.requestedQueryCost);
    }
    const status = cost.throttleStatus;
    if (status && typeof status.currentlyAvailable === "number") {
      this.status = { ...status };
      this.observedAtMs = this.nowMs();
    }
  }

  /** The wait Shopify's report implies after a THROTTLED answer for `operation`. */
  waitAfterThrottleMs(operation: string): number {
    const cost = this.requestedCostPoints.get(operation);
    if (!this.status || cost === undefined) return 1_000;
    const missing = cost - this.status.currentlyAvailable;
    return Math.max(50 / this.timeScale, Math.ceil((missing / this.restorePerS()) * 1000));
  }
}
