/**
 * Shopify's leaky bucket for GraphQL cost, per shop + app: `maximumAvailable` points, refilled continuously at
 * `restoreRate` points per second. Time comes from the injected clock, so tests of the restore rate never sleep.
 */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export class LeakyBucket {
  private available: number;
  private lastMs: number;

  constructor(
    public maximumAvailable: number,
    public restoreRate: number,
    private readonly nowMs: () => number,
  ) {
    this.available = maximumAvailable;
    this.lastMs = nowMs();
  }

  private refill(): void {
    const now = this.nowMs();
    const elapsedMs = Math.max(0, now - this.lastMs);
    this.available = Math.min(this.maximumAvailable, this.available + (elapsedMs / 1000) * this.restoreRate);
    this.lastMs = now;
  }

  /** Takes `cost` points if available; false (nothing taken) when the bucket cannot pay. */
  tryTake(cost: number): boolean {
    this.refill();
    if (cost > this.available) return false;
    this.available -= cost;
    return true;
  }

  /** Gives back the difference between requested and actual cost after execution. */
  refund(points: number): void {
    this.refill();
    this.available = Math.min(this.maximumAvailable, this.available + points);
  }

  /** Sets the fill level (fault injection). */
  setAvailable(points: number): void {
    this.refill();
    this.available = Math.max(0, Math.min(this.maximumAvailable, points));
  }

  status(): ThrottleStatus {
    this.refill();
    return {
      maximumAvailable: this.maximumAvailable,
      // Shopify reports whole points.
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.restoreRate,
    };
  }
}

/** Bucket size on the Standard plan (points), the emulator's default. */
export const DEFAULT_BUCKET_SIZE = 2000;

/** Shopify refuses any single query above this cost (MAX_COST_EXCEEDED), whatever the bucket. */
export const SINGLE_QUERY_MAX_COST = 1000;

/** Default restore rate per plan (points per second). */
export const RESTORE_RATE_BY_PLAN = {
  Basic: 100,
  Standard: 100,
  Advanced: 200,
  Plus: 1000,
  Enterprise: 2000,
} as const;
