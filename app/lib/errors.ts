/**
 * The app's one error base class. Every error the app raises on purpose extends it and carries a stable `code`
 * (snake_case, never reworded: tests, logs, the API and the UI key on it). `message` is written for the person who
 * will read it — a merchant for store errors ("WooCommerce rejected the consumer key (401). Check …"), a developer
 * for configuration errors — and never contains a token, key, secret or request body.
 */
export class AppError extends Error {
  /** Stable machine-readable code, e.g. "store_auth_rejected", "sync_already_running". */
  readonly code: string;
  /** HTTP status a route should answer with when this error reaches it (defaults to 500). */
  readonly httpStatus: number;
  /**
   * What happens next when the work is repeated on its own ("Commerce Sync will try again later."), the message's
   * last sentence. Only true of work the job runner retries: see `oneOffMessage`.
   */
  readonly retryNote: string | null;

  constructor(
    code: string,
    message: string,
    options: { httpStatus?: number; cause?: unknown; retryNote?: string } = {},
  ) {
    const full = options.retryNote ? `${message} ${options.retryNote}` : message;
    super(full, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.httpStatus = options.httpStatus ?? 500;
    this.retryNote = options.retryNote ?? null;
  }
}

/**
 * The retry note of store failures that trying again may fix (rate limits, server errors, timeouts). Where it is read
 * after the fact — a store's status, a run's errors — what really comes next is said instead (`withoutRetryNote`).
 */
export const RETRIED_LATER = "Commerce Sync will try again later.";

/** `text` without a trailing RETRIED_LATER, and whether it had one. */
export function withoutRetryNote(text: string): { text: string; hadNote: boolean } {
  const hadNote = text.endsWith(RETRIED_LATER);
  return { text: hadNote ? text.slice(0, -RETRIED_LATER.length).trimEnd() : text, hadNote };
}

/**
 * An error's message for an attempt nothing repeats (a connection test, a disconnect's cleanup): without the
 * `retryNote` promising another try, which would not come.
 */
export function oneOffMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const note = (error as Partial<AppError> | null)?.retryNote;
  return note && message.endsWith(` ${note}`) ? message.slice(0, -note.length - 1) : message;
}

/** True for an AppError with this code (works across module copies, e.g. vite's SSR graph and tsx). */
export function isAppError(error: unknown, code?: string): error is AppError {
  if (!(error instanceof Error)) return false;
  const candidate = error as Partial<AppError>;
  // Node's system errors also carry a string `code`; only ours carry an `httpStatus` too.
  if (typeof candidate.code !== "string" || typeof candidate.httpStatus !== "number") return false;
  return code === undefined || (error as AppError).code === code;
}
