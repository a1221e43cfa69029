/**
 * Errors the sync engine raises on purpose. Each is an AppError with a stable code; messages speak to the merchant
 * or operator who reads them and never contain credentials.
 */
import { AppError, isAppError } from "../lib/errors";

/** Another run of the same integration is alive (its heartbeat is fresh). */
export class SyncAlreadyRunningError extends AppError {
  constructor(
    readonly integrationId: string,
    readonly runId: string,
  ) {
    super(
      "sync_already_running",
      `A sync of this store is already running (run ${runId}); wait for it to finish.`,
      { httpStatus: 409 },
    );
  }
}

/** No platform module serves this integration's platform in this process. */
export class UnknownPlatformError extends AppError {
  constructor(
    readonly platform: string,
    known: readonly string[],
  ) {
    super(
      "unknown_platform",
      `Commerce Sync cannot connect to "${platform}" stores: this server knows ${
        known.length ? known.map((p) => `"${p}"`).join(", ") : "no store platform"
      }.`,
      { httpStatus: 422 },
    );
  }
}

/** Named records (an integration, a run) do not exist. */
export class SyncTargetNotFoundError extends AppError {
  constructor(message: string) {
    super("sync_target_not_found", message, { httpStatus: 404 });
  }
}

/**
 * Abort reason meaning "stop now, resume later" (worker shutdown, a lost lease). Any other abort cancels the run.
 */
export class SyncInterruptedError extends AppError {
  readonly resumable = true;
  constructor(message = "The sync was interrupted and will resume from its checkpoint.") {
    super("sync_interrupted", message, { httpStatus: 503 });
  }
}

/** True for abort reasons that mean "resume later": SyncInterruptedError or any error marked `resumable: true`. */
export function isResumableAbort(reason: unknown): boolean {
  return (
    reason instanceof SyncInterruptedError ||
    (typeof reason === "object" && reason !== null && (reason as { resumable?: unknown }).resumable === true)
  );
}

/** The stable code of anything thrown (an AppError's `code`), or undefined: what the status classifies by. */
export function errorCode(error: unknown): string | undefined {
  return isAppError(error) ? error.code : undefined;
}

/** The message of anything thrown, for run records and statuses. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The app's own database refused a write for a reason that passes (busy, locked, restarted, connection dropped):
 * not the store's fault and not a bad record. A run that meets it stays resumable at its last committed page and its
 * job is retried (app/db/transient-errors.ts decides what counts).
 */
export class DatabaseUnavailableError extends AppError {
  constructor(cause: unknown) {
    super(
      "database_unavailable",
      `The app's database could not take the write (${errorMessage(cause)}); the sync resumes from its last saved page.`,
      { httpStatus: 503, cause },
    );
  }
}
