/**
 * Bulk query operations: CREATED → RUNNING → COMPLETED (or FAILED / CANCELED), one JSONL file per operation.
 *
 * Nothing is held in memory but the rows to export and a snapshot of the records changed since seeding: RUNNING
 * generates the output once, in slices that yield to the event loop, into a file on disk (result-files.ts), and
 * the download streams that file. Records are replaced (never mutated) on change, so the snapshot stays consistent. Line order follows `groupObjects` (see ordering.ts): grouped before API 2026-01,
 * ungrouped — children possibly before their parent — from 2026-01 unless `groupObjects: true`.
 */
import type { Readable } from "node:stream";
import {
  GraphQLError,
  Kind,
  parse,
  validate,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type OperationDefinitionNode,
} from "graphql";
import type { EmuShop, EmulatorContext } from "../model";
import { gid } from "../model";
import { createPrng, hashSeed } from "../../shared/prng";
import { hasScope, visibleSince, type GqlContext } from "../graphql/context";
import { listRecords, type Resource } from "../graphql/records";
import { nodeOf } from "../graphql/root";
import type { RecordTable, TimestampedRecord } from "../store/table";
import { toShopifyValidationError } from "../graphql/errors";
import { bulkGroupObjectsDefault, bulkQueryConcurrency } from "../graphql/versions";
import { Projector } from "./projector";
import { groupedLines, ungroupedLines, type BulkLine } from "./ordering";
import { ResultFiles } from "./result-files";
import { ResultUrlSigner, type UrlCheck } from "./result-url";
import { BulkQueryValidator, invalidBulkQuery } from "./validate";
import type { BulkOperationRecord, BulkService, BulkStatus, BulkUserError } from "../graphql/context";

export type { BulkOperationRecord, BulkStatus };

interface Plan {
  ctx: GqlContext;
  /** The rows to export, in file order. */
  rows: Int32Array;
  wrap: (row: number) => Record<string, unknown>;
  rootType: GraphQLObjectType;
  projector: Projector;
  nodeSelection: NonNullable<ReturnType<Projector["nodeSelection"]>>;
}

export interface BulkFault {
  errorCode: "INTERNAL_SERVER_ERROR" | "TIMEOUT" | "ACCESS_DENIED";
  /** Objects written before the failure (the partial file). */
  afterObjects: number;
}

export interface BulkOperationsOptions {
  /** The emulator's seed: line order is a function of it and the operation id. */
  seed?: number;
  /** Lifetime of result URLs (default 7 days, as Shopify). */
  resultUrlTtlS?: number;
}

export type BulkFile = { stream: Readable } | { status: number; body: string; contentType: string };

const ROOT_SCOPES: Record<Resource, string> = {
  customers: "read_customers",
  orders: "read_orders",
  products: "read_products",
};

/** Lines generated per event-loop slice while counting (keeps the server responsive during big runs). */
const SLICE_LINES = 2_000;

const ACTIVE: readonly BulkStatus[] = ["CREATED", "RUNNING", "CANCELING"];

/** Shopify writes JSON with escaped slashes (`gid:\/\/shopify\/…`); in JSON a "/" can only be inside a string. */
export function escapeSlashes(json: string): string {
  return json.replaceAll("/", "\\/");
}

export class BulkOperations implements BulkService {
  private readonly operations = new Map<bigint, BulkOperationRecord>();
  private readonly plans = new Map<bigint, Plan>();
  private readonly faults = new Map<string, BulkFault>();
  /** Per shop, the end of the last queued operation's generation (operations run one after another). */
  private readonly queues = new Map<string, Promise<void>>();
  private readonly signer: ResultUrlSigner;
  private readonly files = new ResultFiles();
  private readonly seed: number;

  constructor(
    private readonly emu: EmulatorContext,
    options: BulkOperationsOptions = {},
  ) {
    this.seed = options.seed ?? 1;
    this.signer = new ResultUrlSigner(options.resultUrlTtlS);
  }

  /** Makes the next bulk operation of `shop` fail (fault injection from the control API). */
  injectFailure(shop: string, fault: BulkFault): void {
    this.faults.set(shop, fault);
  }

  get(shop: EmuShop, id: bigint): BulkOperationRecord | undefined {
    const op = this.operations.get(id);
    return op && op.shop === shop.domain ? op : undefined;
  }

  current(shop: EmuShop): BulkOperationRecord | null {
    let latest: BulkOperationRecord | null = null;
    for (const op of this.operations.values()) if (op.shop === shop.domain) latest = op;
    return latest;
  }

  all(shop?: string): BulkOperationRecord[] {
    return [...this.operations.values()].filter((op) => !shop || op.shop === shop);
  }

  /** bulkOperationRunQuery. `groupObjects` unset = the requested API version's default. */
  run(
    ctx: GqlContext,
    query: string,
    options: { groupObjects?: boolean | null } = {},
  ): { operation: BulkOperationRecord | null; userErrors: BulkUserError[] } {
    const invalid = (errors: BulkUserError[]) => ({ operation: null, userErrors: errors });
    let document;
    try {
      document = parse(query);
    } catch (error) {
      return invalid([invalidBulkQuery(`Invalid bulk query: ${(error as Error).message}`)]);
    }
    const schema = ctx.schema;
    const errors = validate(schema, document);
    if (errors.length > 0)
      return invalid([
        invalidBulkQuery(`Invalid bulk query: ${toShopifyValidationError(errors[0], document).message}`),
      ]);
    const operations = document.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    if (operations.length !== 1 || operations[0].operation !== "query")
      return invalid([invalidBulkQuery("Bulk queries must contain exactly one query operation.")]);
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const d of document.definitions)
      if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
    const projector = new Projector(schema, fragments, ctx);
    const queryType = schema.getQueryType()!;
    const rootFields = projector.collect(queryType, operations[0].selectionSet);
    if (rootFields.length !== 1)
      return invalid([invalidBulkQuery("Bulk queries must contain exactly one top-level field.")]);
    const structural = new BulkQueryValidator(schema, fragments).validate(rootFields);
    if (structural.length > 0) return invalid(structural);
    const rootField = rootFields[0];
    const fieldDef = queryType.getFields()[rootField.name.value];
    const resource = rootField.name.value as Resource;
    if (!(resource in ROOT_SCOPES)) {
      return invalid([
        invalidBulkQuery(
          `The emulator supports bulk queries over customers, orders and products, not ${rootField.name.value}.`,
        ),
      ]);
    }
    const busy = this.concurrencyError(ctx);
    if (busy) return invalid([busy]);
    const connectionType = projector.runtimeType({}, fieldDef.type);
    let nodeSelection = null;
    for (const sub of projector.collect(connectionType, rootField.selectionSet!)) {
      nodeSelection = projector.nodeSelection(connectionType, sub) ?? nodeSelection;
    }
    const args = projector.read(
      { [resource]: (a: unknown) => a } as Record<string, unknown>,
      fieldDef,
      rootField,
    ) as { query?: string; sortKey?: string; reverse?: boolean };
    const shop = ctx.shop;
    const id = shop.nextId++;
    const op: BulkOperationRecord = {
      id,
      shop: shop.domain,
      query,
      type: "QUERY",
      status: "CREATED",
      errorCode: null,
      createdAt: this.emu.now(),
      completedAt: null,
      objectCount: 0,
      rootObjectCount: 0,
      fileSize: null,
      url: null,
      partialDataUrl: null,
      lineLimit: null,
      groupObjects: options.groupObjects ?? bulkGroupObjectsDefault(ctx.apiVersion),
      apiVersion: ctx.apiVersion,
      urlsExpired: false,
    };
    this.operations.set(id, op);
    if (!hasScope(ctx.access, ROOT_SCOPES[resource])) {
      // Shopify accepts the operation and then fails it.
      setImmediate(() => this.finish(op, "FAILED", "ACCESS_DENIED"));
      return { operation: op, userErrors: [] };
    }
    const list = listRecords(shop, resource, {
      query: args.query,
      sortKey: args.sortKey,
      visibleSince: visibleSince(ctx, resource),
    });
    const rows = Int32Array.from(list.rows);
    if (args.reverse) rows.reverse();
    // Later writes must not change what this operation exports: read records through a snapshot.
    const reader = (shop[resource] as unknown as RecordTable<TimestampedRecord>).snapshot();
    const node = nodeOf(ctx, resource);
    this.plans.set(id, {
      ctx,
      rows,
      wrap: (row: number) => node(reader.record(row) as never),
      rootType: projector.runtimeType({}, nodeSelection!.type),
      projector,
      nodeSelection: nodeSelection!,
    });
    this.enqueue(op);
    return { operation: op, userErrors: [] };
  }

  /**
   * Generates the operation's file after the shop's earlier operations (it stays CREATED until then). The emulator
   * has one thread: interleaving several exports would finish every one of them only when the last is done, where
   * Shopify (other machines) finishes each on its own; one after another, the first started is ready first. The
   * concurrency limit still counts every operation not finished (CREATED included), as Shopify does.
   */
  private enqueue(op: BulkOperationRecord): void {
    const previous = this.queues.get(op.shop) ?? Promise.resolve();
    const done = previous
      .then(() => new Promise((resolve) => setImmediate(resolve)))
      .then(() => this.execute(op))
      .catch(() => undefined);
    this.queues.set(op.shop, done);
  }

  /**
   * Before 2026-01 one bulk query at a time (OPERATION_IN_PROGRESS naming it); from 2026-01 five
   * (LIMIT_REACHED listing the running ones).
   */
  private concurrencyError(ctx: GqlContext): BulkUserError | null {
    const limit = bulkQueryConcurrency(ctx.apiVersion);
    const running = this.all(ctx.shop.domain).filter((op) => ACTIVE.includes(op.status));
    if (running.length < limit) return null;
    const ids = running.map((op) => gid("BulkOperation", op.id));
    if (limit === 1) {
      return {
        field: null,
        message: `A bulk query operation for this app and shop is already in progress: ${ids[0]}.`,
        code: "OPERATION_IN_PROGRESS",
      };
    }
    return {
      field: null,
      message: `Bulk operations limit reached: ${limit} bulk query operations are already running for this app and shop (${ids.join(", ")}). Please try again later.`,
      code: "LIMIT_REACHED",
    };
  }

  /** bulkOperationCancel. */
  cancel(
    shop: EmuShop,
    id: bigint,
  ): { operation: BulkOperationRecord | null; userErrors: Array<{ field: string[]; message: string }> } {
    const op = this.get(shop, id);
    if (!op)
      return { operation: null, userErrors: [{ field: ["id"], message: "Bulk operation does not exist" }] };
    if (op.status !== "CREATED" && op.status !== "RUNNING") {
      return {
        operation: op,
        userErrors: [
          { field: [], message: `A bulk operation cannot be canceled when it is ${op.status.toLowerCase()}` },
        ],
      };
    }
    op.status = "CANCELING";
    return { operation: op, userErrors: [] };
  }

  /**
   * Makes an operation's result URLs answer as expired from now on, as they do 7 days after completion (control API),
   * and a completed operation's status EXPIRED ("The bulk operation URL has expired", BulkOperationStatus).
   * False when unknown.
   */
  expireUrls(id: bigint): boolean {
    const op = this.operations.get(id);
    if (!op) return false;
    op.urlsExpired = true;
    if (op.status === "COMPLETED") op.status = "EXPIRED";
    return true;
  }

  private async execute(op: BulkOperationRecord): Promise<void> {
    if (op.status === "CANCELING") return this.finish(op, "CANCELED", null);
    op.status = "RUNNING";
    const fault = this.faults.get(op.shop);
    if (fault) this.faults.delete(op.shop);
    const file = this.files.writer(op.id);
    let sliceLines = 0;
    try {
      for (const { line, root } of this.generate(op.id)) {
        if (fault && op.objectCount >= fault.afterObjects) break;
        // objectCount grows while RUNNING, as on Shopify (apps show progress from it).
        op.objectCount += 1;
        if (root) op.rootObjectCount += 1;
        const written = file.add(line);
        if (written) await written;
        if (++sliceLines >= SLICE_LINES) {
          sliceLines = 0;
          await new Promise((resolve) => setImmediate(resolve));
          if ((op.status as BulkStatus) === "CANCELING") {
            await file.end();
            this.files.remove(op.id);
            return this.finish(op, "CANCELED", null);
          }
        }
      }
      await file.end();
    } catch (error) {
      await file.end().catch(() => undefined);
      this.files.remove(op.id);
      const denied = error instanceof GraphQLError && error.extensions.code === "ACCESS_DENIED";
      return this.finish(op, "FAILED", denied ? "ACCESS_DENIED" : "INTERNAL_SERVER_ERROR");
    }
    op.lineLimit = op.objectCount;
    const completedAt = this.emu.now();
    if (fault) {
      op.partialDataUrl =
        op.objectCount > 0
          ? this.signer.sign(this.emu.baseUrl, this.filePath(op.id, true), completedAt)
          : null;
      return this.finish(op, "FAILED", fault.errorCode);
    }
    op.fileSize = file.bytes;
    // Shopify gives no URL for an empty result.
    op.url =
      op.objectCount > 0
        ? this.signer.sign(this.emu.baseUrl, this.filePath(op.id, false), completedAt)
        : null;
    this.finish(op, "COMPLETED", null);
  }

  private filePath(id: bigint, partial: boolean): string {
    return `/_emulator/bulk/${id}${partial ? ".partial" : ""}.jsonl`;
  }

  private finish(
    op: BulkOperationRecord,
    status: BulkStatus,
    errorCode: BulkOperationRecord["errorCode"],
  ): void {
    op.status = status;
    op.errorCode = errorCode;
    op.completedAt = this.emu.now();
    // The file is written: the snapshot of records is no longer needed.
    this.plans.delete(op.id);
    const iso = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, "Z") : null);
    this.emu.webhooks.emit({
      shop: op.shop,
      topic: "bulk_operations/finish",
      body: {
        admin_graphql_api_id: gid("BulkOperation", op.id),
        completed_at: iso(op.completedAt),
        created_at: iso(op.createdAt),
        error_code: errorCode ? errorCode.toLowerCase() : null,
        status: status.toLowerCase(),
        type: "query",
      },
    });
  }

  /** Yields the operation's lines in file order, generated on demand from the snapshot. */
  *generate(id: bigint): Generator<{ line: string; root: boolean }> {
    const plan = this.plans.get(id);
    const op = this.operations.get(id);
    if (!plan || !op) return;
    const prng = createPrng(hashSeed(this.seed, "bulk", id.toString()));
    const trees = function* (): Generator<BulkLine> {
      for (const row of plan.rows) {
        yield plan.projector.node(plan.wrap(row), plan.rootType, plan.nodeSelection.selectionSet, null);
      }
    };
    const ordered = op.groupObjects ? groupedLines(trees(), prng) : ungroupedLines(trees(), prng);
    for (const { json, root } of ordered) yield { line: escapeSlashes(json), root };
  }

  /**
   * The JSONL file behind a result URL as a stream (backpressure-aware, a chunk of lines at a time), or the error
   * a storage bucket gives: 403 for a bad signature, 400 once expired, 404 when there is no such file.
   */
  open(path: string, query: URLSearchParams): BulkFile {
    const m = /^\/_emulator\/bulk\/(\d+)(\.partial)?\.jsonl$/.exec(path);
    const xml = "application/xml; charset=UTF-8";
    const noSuchKey = {
      status: 404,
      contentType: xml,
      body: "<?xml version='1.0' encoding='UTF-8'?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>",
    };
    if (!m) return noSuchKey;
    const id = BigInt(m[1]);
    const op = this.operations.get(id);
    const check: UrlCheck = this.signer.check(path, query, this.emu.now().getTime(), op?.urlsExpired);
    if (!check.ok) return { status: check.status, body: check.body, contentType: xml };
    const stream = this.stream(id, Boolean(m[2]));
    return stream ? { stream } : noSuchKey;
  }

  /** The JSONL file as a stream from disk, or null when the operation has no such file. */
  stream(id: bigint, partial: boolean): Readable | null {
    const op = this.operations.get(id);
    if (!op || op.lineLimit === null) return null;
    if (partial ? op.status !== "FAILED" || !op.partialDataUrl : op.status !== "COMPLETED") return null;
    return this.files.read(id);
  }

  /** Removes the result files. */
  close(): void {
    this.files.close();
  }
}
