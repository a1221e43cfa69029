/**
 * The audit trail of store calls. A full sync makes hundreds of calls, so calls are aggregated in memory and written
 * as one AuditLog row (`action: "store.calls"`) per flush: per operation, how many calls ended ok / retried / in
 * error, their HTTP statuses and time spent, plus the first few error descriptions. What was asked, when and how it
 * ended; never tokens, keys or bodies (the StoreCall shape cannot carry them).
 *
 * A flush happens when the owner closes the context (end of a run or a webhook), when many calls are buffered, or
 * when the oldest buffered call is old. Recording never throws into the caller; a failed write is logged and the
 * batch dropped (the sync itself must not fail because its audit could not be written).
 */
import type { AppDb } from "../db/client.server";
import type { Logger } from "../lib/logger";
import type { StoreCall, StoreCallRecorder } from "../sync/platform";

export interface CallAuditOptions {
  db: AppDb;
  integration: { id: string; organizationId: string; platform: string };
  logger: Logger;
  /** Flush once this many calls are buffered. */
  maxBufferedCalls?: number;
  /** Flush when the oldest buffered call is older than this. */
  maxBufferAgeMs?: number;
  now?: () => Date;
}

export interface CallAudit {
  record: StoreCallRecorder;
  /** Writes what is buffered (one AuditLog row); resolves when every pending write has finished. Never throws. */
  flush(): Promise<void>;
}

type OperationTally = {
  calls: number;
  ok: number;
  retried: number;
  error: number;
  totalMs: number;
  maxMs: number;
  statuses: Record<string, number>;
};

const MAX_ERRORS_KEPT = 10;
const MAX_ERROR_LENGTH = 200;

/** A buffered, aggregating recorder of one integration's store calls. */
export function createCallAudit(options: CallAuditOptions): CallAudit {
  const now = options.now ?? (() => new Date());
  const maxBufferedCalls = options.maxBufferedCalls ?? 500;
  const maxBufferAgeMs = options.maxBufferAgeMs ?? 60_000;
  let batch = emptyBatch();
  let pending: Promise<void> = Promise.resolve();

  function emptyBatch() {
    return {
      calls: 0,
      from: null as Date | null,
      to: null as Date | null,
      operations: new Map<string, OperationTally>(),
      errors: [] as Array<{ operation: string; httpStatus: number | null; error: string; at: string }>,
    };
  }

  function write(): Promise<void> {
    if (batch.calls === 0) return pending;
    const done = batch;
    batch = emptyBatch();
    const detail = {
      platform: options.integration.platform,
      from: done.from?.toISOString() ?? null,
      to: done.to?.toISOString() ?? null,
      calls: done.calls,
      operations: Object.fromEntries(done.operations),
      errors: done.errors,
    };
    pending = pending.then(() =>
      options.db.auditLog
        .create({
          data: {
            organizationId: options.integration.organizationId,
            integrationId: options.integration.id,
            actor: "system",
            action: "store.calls",
            detail,
          },
        })
        .then(
          () => undefined,
          (error: unknown) =>
            options.logger("warn", "Could not write the audit trail of store calls", {
              integrationId: options.integration.id,
              calls: done.calls,
              error: error instanceof Error ? error.message : String(error),
            }),
        ),
    );
    return pending;
  }

  const record: StoreCallRecorder = (call: StoreCall) => {
    try {
      const at = now();
      batch.calls += 1;
      batch.from ??= at;
      batch.to = at;
      let tally = batch.operations.get(call.operation);
      if (!tally) {
        tally = { calls: 0, ok: 0, retried: 0, error: 0, totalMs: 0, maxMs: 0, statuses: {} };
        batch.operations.set(call.operation, tally);
      }
      tally.calls += 1;
      tally[call.outcome] += 1;
      const durationMs = Math.max(0, Math.round(call.durationMs));
      tally.totalMs += durationMs;
      tally.maxMs = Math.max(tally.maxMs, durationMs);
      if (call.httpStatus !== undefined) {
        const key = String(call.httpStatus);
        tally.statuses[key] = (tally.statuses[key] ?? 0) + 1;
      }
      if (call.outcome !== "ok" && call.error && batch.errors.length < MAX_ERRORS_KEPT) {
        batch.errors.push({
          operation: call.operation,
          httpStatus: call.httpStatus ?? null,
          error: call.error.slice(0, MAX_ERROR_LENGTH),
          at: at.toISOString(),
        });
      }
      if (batch.calls >= maxBufferedCalls || at.getTime() - batch.from.getTime() >= maxBufferAgeMs) {
        void write();
      }
    } catch (error) {
      options.logger("warn", "Could not record a store call", {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };

  return { record, flush: write };
}
