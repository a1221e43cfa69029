/**
 * Bulk reads (full syncs of larger stores, large catch-ups): one bulk query operation per resource, its JSONL
 * streamed into a spool file (../bulk/spool.server.ts) and handed to the engine page by page in ascending id order,
 * children joined to their parents whatever their order in the file.
 *
 * Resuming (a killed run): the cursor names the operation and the last id handed over. If the operation's file can
 * still be read it is spooled again (or reused) and reading goes on after that id; if the file expired or the
 * operation failed, a new operation filtered with `id:>N` continues where the last one stopped.
 *
 * A FAILED operation's partial file (`partialDataUrl`) is used first — everything it holds is handed over — and a
 * fallback operation then reads the rest; parents the partial file already delivered whole are skipped.
 */
import type { ShopifyGraphqlClient } from "../client.server";
import { ShopifyAccessDeniedError, ShopifyBulkDownloadError, ShopifyBulkOperationError } from "../errors";
import type { SourcePage } from "../../../sync/types";
import { BulkResultGoneError, type BulkOperations, type BulkOperationState } from "../bulk/operation.server";
import { BulkSpool, linesOf } from "../bulk/spool.server";
import { andFilter, encodeCursor, sinceAfter, type BulkCursor } from "./cursor";
import { bulkQueryFor, type ResourceSpec } from "./specs";

/** Downloads of one result file before a read gives up on it (cut connections, truncated files). */
const MAX_DOWNLOAD_ATTEMPTS = 3;

/** The downloaded file has fewer lines than the operation's objectCount. */
class BulkDownloadIncompleteError extends Error {}

function describe(error: unknown): string {
  if (error instanceof BulkDownloadIncompleteError) return `the file ended early (${error.message})`;
  if (error instanceof SyntaxError) return "the file ended in the middle of a record";
  return `the download was cut (${error instanceof Error ? error.message : String(error)})`;
}

/** Fallback operations one read may start before it gives up (the next sync tries again). */
const MAX_FALLBACKS = 3;
/** Parents handed to the engine per page. */
export const BULK_PAGE_SIZE = 2_000;

export interface BulkReadDeps {
  client: ShopifyGraphqlClient;
  bulk: BulkOperations;
  /** The spool file of this integration's resource. */
  spoolPath: string;
}

/** Starts a bulk read of `filter` and returns the cursor naming its operation (committed before any waiting). */
export async function startBulkRead(
  deps: BulkReadDeps,
  spec: ResourceSpec,
  filter: string | null,
  since: string | null,
  signal: AbortSignal,
  options: { waitWhenBusy?: boolean } = {},
): Promise<BulkCursor> {
  if (spec.protectedDataProbe) {
    // A bulk export writes refused protected fields as null without an error: ask first (the client raises
    // ShopifyProtectedDataError), rather than store customers without names or emails.
    await deps.client.request(
      spec.protectedDataProbe.operation,
      spec.protectedDataProbe.document,
      {},
      { signal },
    );
  }
  BulkSpool.remove(deps.spoolPath);
  const op = await deps.bulk.start(bulkQueryFor(spec, filter), signal, options);
  return {
    v: 1,
    mode: "bulk",
    op: op.id,
    phase: "full",
    after: "",
    startedAt: op.createdAt,
    filter,
    fallbacks: 0,
    since,
  };
}

/** Reads from a bulk cursor to the end; the last page's cursor is the `since` position for the next read. */
export async function* readBulk(
  deps: BulkReadDeps,
  spec: ResourceSpec,
  start: BulkCursor,
  signal: AbortSignal,
): AsyncGenerator<SourcePage<Record<string, unknown>>> {
  const spool = BulkSpool.open(deps.spoolPath);
  let state = start;
  try {
    for (;;) {
      const op = await deps.bulk.waitUntilDone(state.op, signal);
      if (op.status === "FAILED" && op.errorCode === "ACCESS_DENIED") {
        throw new ShopifyAccessDeniedError(
          `the ${spec.resource} export`,
          "the app lacks an access scope it needs.",
        );
      }
      const loaded = await loadResult(deps, spec, spool, op, state, signal);
      if (loaded === "gone") {
        state = await fallback(deps, spec, state, signal);
        yield { records: [], cursor: encodeCursor(state) };
        continue;
      }
      if (loaded === "empty") {
        // Nothing matched: the read is finished.
        yield {
          records: [],
          cursor: encodeCursor(sinceAfter(state.startedAt, state.since)),
          estimatedTotal: 0,
        };
        spool.close();
        BulkSpool.remove(deps.spoolPath);
        return;
      }
      const partial = loaded === "partial";
      if (partial) state = { ...state, phase: "partial" };
      yield* pagesFromSpool(spool, spec, state, op, partial, (next) => (state = next));
      if (!partial) {
        spool.close();
        BulkSpool.remove(deps.spoolPath);
        return;
      }
      state = await fallback(deps, spec, state, signal);
      yield { records: [], cursor: encodeCursor(state) };
    }
  } finally {
    spool.close();
  }
}

/** Spools the operation's result (or its partial result) unless already spooled. */
async function loadResult(
  deps: BulkReadDeps,
  spec: ResourceSpec,
  spool: BulkSpool,
  op: BulkOperationState,
  state: BulkCursor,
  signal: AbortSignal,
): Promise<"full" | "partial" | "empty" | "gone"> {
  if (op.status === "COMPLETED") {
    if (!op.url) return "empty";
    const source = `url:${op.id}`;
    if (spool.loadedSource() === source) return "full";
    for (let attempt = 1; ; attempt++) {
      try {
        const lines = await spool.load(source, linesOf(await deps.bulk.download(op.url, signal)));
        // A download cut short at a line boundary looks like a smaller file: Shopify's objectCount says how many
        // lines the file has, so a short file is downloaded again instead of silently losing records.
        if (op.objectCount > 0 && lines.parents + lines.children < op.objectCount) {
          throw new BulkDownloadIncompleteError(
            `${lines.parents + lines.children} of ${op.objectCount} lines`,
          );
        }
        return "full";
      } catch (error) {
        if (error instanceof BulkResultGoneError) return "gone";
        if (signal.aborted) throw error;
        spool.forget();
        // A cut connection, a truncated last line or a short file: download it again, then give up clearly.
        if (attempt >= MAX_DOWNLOAD_ATTEMPTS)
          throw new ShopifyBulkDownloadError(spec.resource, describe(error));
      }
    }
  }
  // FAILED, CANCELED or EXPIRED. A partial file is used when reading of this operation had not started (or was
  // already reading that partial file): once ids from a complete file were handed over, `id:>N` is the better resume.
  const usable =
    op.status === "FAILED" && !!op.partialDataUrl && (state.phase === "partial" || state.after === "");
  if (!usable) return "gone";
  const source = `partial:${op.id}`;
  if (spool.loadedSource() === source) return "partial";
  try {
    await spool.load(source, linesOf(await deps.bulk.download(op.partialDataUrl!, signal)));
    return "partial";
  } catch (error) {
    if (error instanceof BulkResultGoneError) return "gone";
    throw error;
  }
}

/** Hands over the spooled parents after `state.after`, page by page. */
function* pagesFromSpool(
  spool: BulkSpool,
  spec: ResourceSpec,
  start: BulkCursor,
  op: BulkOperationState,
  partial: boolean,
  advance: (state: BulkCursor) => void,
): Generator<SourcePage<Record<string, unknown>>> {
  const childField = spec.child?.field ?? null;
  let state = start;
  const estimatedTotal = Math.max(op.rootObjectCount, spool.parentCount());
  let batch = spool.page(state.after, BULK_PAGE_SIZE, childField);
  if (batch.length === 0 && !partial) {
    // Resumed after the last page was committed: only the final position is left to hand over.
    yield { records: [], cursor: encodeCursor(sinceAfter(state.startedAt, state.since)), estimatedTotal };
    return;
  }
  while (batch.length > 0) {
    const emitted = partial ? null : spool.emittedBetween(state.after, batch[batch.length - 1].key);
    const records = emitted ? batch.filter((r) => emitted.get(r.key) !== r.childCount) : batch;
    state = { ...state, after: batch[batch.length - 1].key };
    advance(state);
    const next = spool.page(state.after, BULK_PAGE_SIZE, childField);
    const done = next.length === 0 && !partial;
    yield {
      records: records.map((r) => r.node),
      cursor: encodeCursor(done ? sinceAfter(state.startedAt, state.since) : state),
      estimatedTotal,
    };
    // Resumed here only once the engine committed the page.
    if (partial) spool.markEmitted(batch);
    batch = next;
  }
}

/** Starts the operation that replaces one whose result cannot be used. */
async function fallback(
  deps: BulkReadDeps,
  spec: ResourceSpec,
  state: BulkCursor,
  signal: AbortSignal,
): Promise<BulkCursor> {
  if (state.fallbacks >= MAX_FALLBACKS) throw new ShopifyBulkOperationError(state.op, "FAILED", null);
  // After a complete file's id N everything up to N was handed over; a partial file's ids are not contiguous.
  const resumeAfter = state.phase === "full" && state.after !== "" ? `id:>${BigInt(state.after)}` : null;
  const op = await deps.bulk.start(bulkQueryFor(spec, andFilter(state.filter, resumeAfter)), signal);
  // The new file holds only ids after `after` (when filtered), so reading on from `after` is the same position.
  return {
    ...state,
    op: op.id,
    phase: "full",
    after: resumeAfter ? state.after : "",
    fallbacks: state.fallbacks + 1,
  };
}
