/**
 * One bulk query operation on Shopify: start it, wait for it (the `bulk_operations/finish` webhook when it has
 * arrived, polling `bulkOperation(id:)` otherwise), and download its result. Uses `bulkOperation(id:)`, never the
 * deprecated `currentBulkOperation`, so several operations of the shop (up to the pinned version's limit) can run.
 */
import type { StoreCallRecorder } from "../../../sync/platform";
import type { ShopifyGraphqlClient } from "../client.server";
import { ShopifyBulkOperationError, ShopifyHttpError, ShopifyUserError } from "../errors";
import {
  BULK_OPERATION_CANCEL_MUTATION,
  BULK_OPERATION_QUERY,
  BULK_OPERATION_RUN_QUERY,
} from "../queries/bulk";
import { abortableSleep } from "../../../lib/retry-timing";
import { backoffDelayMs } from "../retry";
import { startCall } from "../call-record";

export type BulkStatus =
  "CREATED" | "RUNNING" | "COMPLETED" | "CANCELING" | "CANCELED" | "FAILED" | "EXPIRED";

export interface BulkOperationState {
  id: string;
  status: BulkStatus;
  errorCode: string | null;
  objectCount: number;
  rootObjectCount: number;
  url: string | null;
  partialDataUrl: string | null;
  createdAt: string;
  completedAt: string | null;
}

interface RawOperation {
  id: string;
  status: BulkStatus;
  errorCode?: string | null;
  objectCount?: string | number | null;
  rootObjectCount?: string | number | null;
  url?: string | null;
  partialDataUrl?: string | null;
  createdAt: string;
  completedAt?: string | null;
}

/** The result URL no longer answers (Shopify's URLs expire after 7 days). */
export class BulkResultGoneError extends Error {
  constructor(readonly responseStatus: number) {
    super(`The bulk result file is no longer available (HTTP ${responseStatus}).`);
    this.name = "BulkResultGoneError";
  }
}

export interface BulkOperationsOptions {
  client: ShopifyGraphqlClient;
  fetch: typeof fetch;
  recordCall: StoreCallRecorder;
  /** True once the `bulk_operations/finish` webhook for this operation id has been received. */
  finishedSignal?: (operationId: string) => Promise<boolean>;
  /** First and longest interval between status polls. */
  pollIntervalMs?: { initial: number; max: number };
  /** How often the finish webhook is looked for between polls. */
  signalCheckMs?: number;
  /** How long to keep retrying when the shop's bulk operation limit is reached. */
  maxQueueWaitMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const TERMINAL: ReadonlySet<BulkStatus> = new Set(["COMPLETED", "CANCELED", "FAILED", "EXPIRED"]);

function stateOf(raw: RawOperation): BulkOperationState {
  return {
    id: raw.id,
    status: raw.status,
    errorCode: raw.errorCode ?? null,
    objectCount: Number(raw.objectCount ?? 0),
    rootObjectCount: Number(raw.rootObjectCount ?? 0),
    url: raw.url ?? null,
    partialDataUrl: raw.partialDataUrl ?? null,
    createdAt: raw.createdAt,
    completedAt: raw.completedAt ?? null,
  };
}

export class BulkOperations {
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(private readonly options: BulkOperationsOptions) {
    this.sleep = options.sleep ?? abortableSleep;
  }

  /**
   * Starts a bulk query (ungrouped output). Waits while the shop already runs as many as its version allows, unless
   * `waitWhenBusy` is false (then the busy answer is thrown at once).
   */
  async start(
    query: string,
    signal?: AbortSignal,
    options: { waitWhenBusy?: boolean } = {},
  ): Promise<BulkOperationState> {
    const deadline =
      Date.now() + (options.waitWhenBusy === false ? 0 : (this.options.maxQueueWaitMs ?? 10 * 60_000));
    for (let attempt = 1; ; attempt++) {
      const data = await this.options.client.request<{
        bulkOperationRunQuery: {
          bulkOperation: RawOperation | null;
          userErrors: Array<{ field?: string[] | null; message: string; code?: string | null }>;
        };
      }>("BulkOperationRunQuery", BULK_OPERATION_RUN_QUERY, { query, groupObjects: false }, { signal });
      const payload = data.bulkOperationRunQuery;
      if (payload.bulkOperation && payload.userErrors.length === 0) {
        return stateOf({ ...payload.bulkOperation, objectCount: 0, rootObjectCount: 0 });
      }
      const busy = payload.userErrors.some(
        (e) => e.code === "OPERATION_IN_PROGRESS" || e.code === "LIMIT_REACHED",
      );
      if (!busy || Date.now() > deadline)
        throw new ShopifyUserError("BulkOperationRunQuery", payload.userErrors);
      await this.sleep(Math.min(30_000, 2_000 * attempt), signal);
    }
  }

  /** The operation's current state (null when Shopify does not know it). */
  async get(id: string, signal?: AbortSignal): Promise<BulkOperationState | null> {
    const data = await this.options.client.request<{ bulkOperation: RawOperation | null }>(
      "BulkOperation",
      BULK_OPERATION_QUERY,
      { id },
      { signal },
    );
    return data.bulkOperation ? stateOf(data.bulkOperation) : null;
  }

  /**
   * Waits until the operation ends. Polls with a growing interval; between polls it looks for the finish webhook
   * (a database read, free of API cost) and asks Shopify at once when it has arrived.
   */
  async waitUntilDone(
    id: string,
    signal?: AbortSignal,
    onProgress?: (state: BulkOperationState) => void,
  ): Promise<BulkOperationState> {
    const interval = this.options.pollIntervalMs ?? { initial: 1_000, max: 15_000 };
    const signalCheckMs = this.options.signalCheckMs ?? 500;
    let waitMs = interval.initial;
    for (;;) {
      const state = await this.get(id, signal);
      if (!state) throw new ShopifyBulkOperationError(id, "EXPIRED", null);
      onProgress?.(state);
      if (TERMINAL.has(state.status)) return state;
      let waited = 0;
      while (waited < waitMs) {
        const step = Math.min(signalCheckMs, waitMs - waited);
        await this.sleep(step, signal);
        waited += step;
        if (this.options.finishedSignal && (await this.options.finishedSignal(id))) break;
      }
      waitMs = Math.min(interval.max, Math.round(waitMs * 1.5));
    }
  }

  /** Asks Shopify to stop an operation we no longer need (best effort). */
  async cancel(id: string): Promise<void> {
    await this.options.client
      .request("BulkOperationCancel", BULK_OPERATION_CANCEL_MUTATION, { id })
      .catch(() => undefined);
  }

  /** Opens the result file as a byte stream. Retries server errors; a gone file raises BulkResultGoneError. */
  async download(url: string, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    for (let attempt = 1; ; attempt++) {
      const record = startCall(this.options.recordCall, "bulk:download", attempt);
      let response: Response;
      try {
        // The signed URL carries its own authorization: no access token is sent with it.
        response = await this.options.fetch(url, { signal });
      } catch (error) {
        if (signal?.aborted) throw signal.reason ?? error;
        if (attempt >= 3) {
          record("error", undefined, "network error");
          throw new ShopifyHttpError("bulk:download", 0, (error as Error).message);
        }
        record("retried", undefined, "network error");
        await this.sleep(backoffDelayMs(attempt), signal);
        continue;
      }
      if (response.ok && response.body) {
        record("ok", response.status);
        return response.body;
      }
      await response.body?.cancel();
      if ([400, 401, 403, 404, 410].includes(response.status)) {
        record("error", response.status, "result file gone");
        throw new BulkResultGoneError(response.status);
      }
      if (attempt >= 3) {
        record("error", response.status, "server error");
        throw new ShopifyHttpError("bulk:download", response.status);
      }
      record("retried", response.status, "server error");
      await this.sleep(backoffDelayMs(attempt), signal);
    }
  }
}
