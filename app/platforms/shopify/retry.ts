/** Small timing helpers of the Shopify client: backoff, Retry-After, abortable sleep. */

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
  if (!header) return fallbackMs;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0)
    return Math.min(RETRY_AFTER_MAX_MS, Math.ceil(seconds * 1000));
  const date = Date.parse(header);
  if (!Number.isNaN(date)) return Math.min(RETRY_AFTER_MAX_MS, Math.max(0, date - nowMs));
  return fallbackMs;
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");
}
