import type { StoreCallRecorder } from "../../sync/platform";

/** What one attempt ended as, for the audit trail (never a token or a body). */
export type RecordOutcome = (
  outcome: "ok" | "retried" | "error",
  httpStatus?: number,
  error?: string,
) => void;

/** Starts timing one attempt of `operation`; the returned function records how it ended. */
export function startCall(recordCall: StoreCallRecorder, operation: string, attempt: number): RecordOutcome {
  const started = Date.now();
  return (outcome, httpStatus, error) =>
    recordCall({
      operation,
      outcome,
      ...(httpStatus === undefined ? {} : { httpStatus }),
      durationMs: Date.now() - started,
      attempt,
      ...(error ? { error } : {}),
    });
}
