/**
 * Injectable delivery faults: duplicates, drops, delays and reordering, so a receiver's idempotency and ordering
 * rules can be exercised. Rates are drawn from the shared seeded generator, so runs repeat.
 */
import { createPrng, type Prng } from "../../shared/prng";

export interface WebhookFaults {
  /** Share of events delivered twice (the copy has the same event id and a new webhook id). */
  duplicateRate: number;
  /** The next N events are delivered twice. */
  duplicateNext: number;
  /** Share of deliveries silently dropped (never sent, logged as "dropped"). */
  dropRate: number;
  /** The next N deliveries are dropped. */
  dropNext: number;
  /** Extra delay before the first attempt, in ms of emulated time (scaled by timeScale). */
  delayMs: number;
  /** Holds first attempts until this many are queued, then releases them in reverse order (0 or 1 = off). */
  reorderWindow: number;
}

export const NO_FAULTS: WebhookFaults = {
  duplicateRate: 0,
  duplicateNext: 0,
  dropRate: 0,
  dropNext: 0,
  delayMs: 0,
  reorderWindow: 0,
};

export const FAULT_KEYS = Object.keys(NO_FAULTS) as (keyof WebhookFaults)[];

/** The current fault settings and the seeded draws behind the rates. */
export class FaultState {
  private state: WebhookFaults;
  private prng: Prng;

  constructor(faults: Partial<WebhookFaults> = {}, seed = 1) {
    this.state = { ...NO_FAULTS, ...faults };
    this.prng = createPrng(seed);
  }

  get(): WebhookFaults {
    return { ...this.state };
  }

  /** Merges settings; `set(NO_FAULTS)` turns them all off. A seed restarts the draws. */
  set(faults: Partial<WebhookFaults>, seed?: number): WebhookFaults {
    this.state = { ...this.state, ...faults };
    if (seed !== undefined) this.prng = createPrng(seed);
    return this.get();
  }

  get delayMs(): number {
    return this.state.delayMs;
  }

  get reorderWindow(): number {
    return this.state.reorderWindow;
  }

  /** Whether the next event is delivered twice. */
  takeDuplicate(): boolean {
    if (this.state.duplicateNext > 0) {
      this.state.duplicateNext--;
      return true;
    }
    return this.state.duplicateRate > 0 && this.prng.next() < this.state.duplicateRate;
  }

  /** Whether the next delivery is dropped. */
  takeDrop(): boolean {
    if (this.state.dropNext > 0) {
      this.state.dropNext--;
      return true;
    }
    return this.state.dropRate > 0 && this.prng.next() < this.state.dropRate;
  }
}
