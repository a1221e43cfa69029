/** Small timing helpers of the Shopify client: backoff and a bounded Retry-After. */
import { parseRetryAfterMs } from "../../lib/retry-timing";

const BACKOFF_INITIAL_MS = 500;
const BACKOFF_MAX_MS = 16_000;
/** A Retry-After longer than this is capped (a sync must not sleep for an hour on one header). */
const RETRY_AFTER_MAX_MS = 60_000;

/** Delay before retry number `failures` (1-based): 0.5 s, 1 s, 2 s … capped at 16 s, with ±20% jitter. */
export function backoffDelayMs(failures: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** `Retry-After` (seconds, or an HTTP date) → milliseconds, bounded; `fallbackMs` when absent or unreadable. */
export function retryAfterMs(header: string | null, fallbackMs: number, nowMs: number = Date.now()): number {
  return Math.min(RETRY_AFTER_MAX_MS, parseRetryAfterMs(header, nowMs) ?? fallbackMs);
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");
}
