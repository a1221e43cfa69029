/**
 * Bulk query operations: CREATED → RUNNING → COMPLETED (or FAILED / CANCELED), one JSONL file per operation.
 *
 * Nothing is held in memory but a snapshot of record references taken when the operation starts: RUNNING walks
 * the output once to count objects and bytes (in slices, yielding to the event loop), and the file is generated
 * again, lazily and identically, while it is downloaded. Records are replaced (never mutated) on change, so the
 * snapshot stays consistent. Like Shopify, a nested child comes after its parent but not always right after it:
 * part of the children of one parent are deterministically held back until after the next parent's line.
 */
import { Readable } from "node:stream";
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
import { createPrng, hashSeed } from "../seed/prng";
import { hasScope, orderVisible, type GqlContext } from "../graphql/context";
import { listRecords, type Resource } from "../graphql/records";
import { CustomerNode, OrderNode, ProductNode } from "../graphql/objects";
import { loadSchema } from "../graphql/schema";
import { Projector, isConnectionType, type BulkLine } from "./projector";

export type BulkStatus =
  "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELING" | "CANCELED" | "EXPIRED";

export interface BulkOperationRecord {
  id: bigint;
  shop: string;
  query: string;
  type: "QUERY";
  status: BulkStatus;
  errorCode: "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT" | null;
  createdAt: Date;
  completedAt: Date | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  url: string | null;
  partialDataUrl: string | null;
  /** Number of lines the file has (COMPLETED) or the partial file has (FAILED). */
  lineLimit: number | null;
}

interface Plan {
  ctx: GqlContext;
  roots: unknown[];
  wrap: (record: never) => Record<string, unknown>;
  rootType: GraphQLObjectType;
  projector: Projector;
  nodeSelection: NonNullable<ReturnType<Projector["nodeSelection"]>>;
}

export interface BulkFault {
  errorCode: "INTERNAL_SERVER_ERROR" | "TIMEOUT" | "ACCESS_DENIED";
  /** Objects written before the failure (the partial file). */
  afterObjects: number;
}

const ROOT_SCOPES: Record<Resource, string> = {
  customers: "read_customers",
  orders: "read_orders",
  products: "read_products",
};

/** Lines generated per event-loop slice while counting (keeps the server responsive during big runs). */
const SLICE_LINES = 2_000;

/** Shopify writes JSON with escaped slashes (`gid:\/\/shopify\/…`). */
export function toJsonLine(object: Record<string, unknown>): string {
  return JSON.stringify(object).replace(/\//g, "\\/");
}

export class BulkOperations {
  private readonly operations = new Map<bigint, BulkOperationRecord>();
  private readonly plans = new Map<bigint, Plan>();
  private readonly faults = new Map<string, BulkFault>();

  constructor(private readonly emu: EmulatorContext) {}

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

  /** bulkOperationRunQuery. */
  run(
    ctx: GqlContext,
    query: string,
  ): {
    operation: BulkOperationRecord | null;
    userErrors: Array<{ field: string[]; message: string; code: string }>;
  } {
    const invalid = (message: string) => ({
      operation: null,
      userErrors: [{ field: ["query"], message, code: "INVALID" }],
    });
    const limit = ctx.apiVersion >= "2026-01" ? 5 : 1;
    const running = this.all(ctx.shop.domain).filter(
      (op) => op.status === "CREATED" || op.status === "RUNNING" || op.status === "CANCELING",
    );
    if (running.length >= limit) {
      const message =
        limit === 1
          ? `A bulk query operation for this app and shop is already in progress: ${gid("BulkOperation", running[0].id)}.`
          : `A maximum of ${limit} bulk query operations can run at the same time for this app and shop.`;
      return { operation: null, userErrors: [{ field: ["query"], message, code: "OPERATION_IN_PROGRESS" }] };
    }
    let document;
    try {
      document = parse(query);
    } catch (error) {
      return invalid(`Invalid bulk query: ${(error as Error).message}`);
    }
    const schema = loadSchema();
    const errors = validate(schema, document);
    if (errors.length > 0) return invalid(`Invalid bulk query: ${errors[0].message}`);
    const operations = document.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    if (operations.length !== 1 || operations[0].operation !== "query")
      return invalid("Bulk queries must contain exactly one query operation.");
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const d of document.definitions)
      if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
    const projector = new Projector(schema, fragments, ctx);
    const queryType = schema.getQueryType()!;
    const rootFields = projector.collect(queryType, operations[0].selectionSet);
    if (rootFields.length !== 1) return invalid("Bulk queries must have exactly one top-level field.");
    const rootField = rootFields[0];
    const fieldDef = queryType.getFields()[rootField.name.value];
    if (!isConnectionType(fieldDef.type))
      return invalid("Bulk queries must contain at least one connection.");
    const resource = rootField.name.value as Resource;
    if (!(resource in ROOT_SCOPES)) {
      return invalid(
        `The emulator supports bulk queries over customers, orders and products, not ${rootField.name.value}.`,
      );
    }
    const connectionType = projector.runtimeType({}, fieldDef.type);
    let nodeSelection = null;
    for (const sub of projector.collect(connectionType, rootField.selectionSet!)) {
      nodeSelection = projector.nodeSelection(connectionType, sub) ?? nodeSelection;
    }
    if (!nodeSelection)
      return invalid(
        "Bulk queries must select edges { node { … } } or nodes { … } on the top-level connection.",
      );
    const depth = this.connectionDepth(
      projector,
      projector.runtimeType({}, nodeSelection.type),
      nodeSelection.selectionSet,
    );
    if (depth.count > 5) return invalid("Bulk queries cannot contain more than 5 connections.");
    if (depth.depth > 2)
      return invalid("Bulk queries cannot contain connections with a nesting depth greater than 2.");

    const args = projector.read(
      { [resource]: (a: unknown) => a } as Record<string, unknown>,
      fieldDef,
      rootField,
    ) as {
      query?: string;
      sortKey?: string;
      reverse?: boolean;
    };
    const shop = ctx.shop;
    const now = this.emu.now();
    const id = shop.nextId++;
    const op: BulkOperationRecord = {
      id,
      shop: shop.domain,
      query,
      type: "QUERY",
      status: "CREATED",
      errorCode: null,
      createdAt: now,
      completedAt: null,
      objectCount: 0,
      rootObjectCount: 0,
      fileSize: null,
      url: null,
      partialDataUrl: null,
      lineLimit: null,
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
      visible:
        resource === "orders" ? (o) => orderVisible(ctx, (o as { createdAt: Date }).createdAt) : undefined,
    });
    const roots = args.reverse ? [...list.items].reverse() : list.items;
    const wrap =
      resource === "customers"
        ? (r: never) => new CustomerNode(shop, r) as unknown as Record<string, unknown>
        : resource === "orders"
          ? (r: never) => new OrderNode(shop, r) as unknown as Record<string, unknown>
          : (r: never) => new ProductNode(shop, r) as unknown as Record<string, unknown>;
    this.plans.set(id, {
      ctx,
      roots,
      wrap,
      rootType: projector.runtimeType({}, nodeSelection.type),
      projector,
      nodeSelection,
    });
    setImmediate(() => void this.execute(op));
    return { operation: op, userErrors: [] };
  }

  private connectionDepth(
    projector: Projector,
    type: GraphQLObjectType,
    selectionSet: import("graphql").SelectionSetNode,
    level = 1,
  ): { count: number; depth: number } {
    let count = 1;
    let depth = level;
    for (const field of projector.collect(type, selectionSet)) {
      const def = type.getFields()[field.name.value];
      if (!def || !field.selectionSet) continue;
      if (isConnectionType(def.type)) {
        const connectionType = projector.runtimeType({}, def.type);
        for (const sub of projector.collect(connectionType, field.selectionSet)) {
          const ns = projector.nodeSelection(connectionType, sub);
          if (!ns) continue;
          const inner = this.connectionDepth(
            projector,
            projector.runtimeType({}, ns.type),
            ns.selectionSet,
            level + 1,
          );
          count += inner.count;
          depth = Math.max(depth, inner.depth);
        }
      }
    }
    return { count, depth };
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

  private async execute(op: BulkOperationRecord): Promise<void> {
    if (op.status === "CANCELING") return this.finish(op, "CANCELED", null);
    op.status = "RUNNING";
    const fault = this.faults.get(op.shop);
    if (fault) this.faults.delete(op.shop);
    let objects = 0;
    let roots = 0;
    let bytes = 0;
    let sliceLines = 0;
    try {
      for (const { line, root } of this.generate(op.id)) {
        if (fault && objects >= fault.afterObjects) break;
        objects += 1;
        if (root) roots += 1;
        bytes += Buffer.byteLength(line) + 1;
        if (++sliceLines >= SLICE_LINES) {
          sliceLines = 0;
          await new Promise((resolve) => setImmediate(resolve));
          if ((op.status as BulkStatus) === "CANCELING") {
            op.objectCount = objects;
            op.rootObjectCount = roots;
            return this.finish(op, "CANCELED", null);
          }
        }
      }
    } catch (error) {
      const denied = error instanceof GraphQLError && error.extensions.code === "ACCESS_DENIED";
      return this.finish(op, "FAILED", denied ? "ACCESS_DENIED" : "INTERNAL_SERVER_ERROR");
    }
    op.objectCount = objects;
    op.rootObjectCount = roots;
    op.lineLimit = objects;
    if (fault) {
      op.partialDataUrl = objects > 0 ? `${this.emu.baseUrl}/_emulator/bulk/${op.id}.partial.jsonl` : null;
      return this.finish(op, "FAILED", fault.errorCode);
    }
    op.fileSize = bytes;
    // Shopify gives no URL for an empty result.
    op.url = objects > 0 ? `${this.emu.baseUrl}/_emulator/bulk/${op.id}.jsonl` : null;
    this.finish(op, "COMPLETED", null);
  }

  private finish(
    op: BulkOperationRecord,
    status: BulkStatus,
    errorCode: BulkOperationRecord["errorCode"],
  ): void {
    op.status = status;
    op.errorCode = errorCode;
    op.completedAt = this.emu.now();
    if (status !== "COMPLETED" && status !== "FAILED") this.plans.delete(op.id);
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
    if (!plan) return;
    const prng = createPrng(hashSeed("bulk", id.toString()));
    let held: BulkLine[] = [];
    const flatten = function* (lines: BulkLine[]): Generator<{ line: string; root: boolean }> {
      for (const l of lines) {
        yield { line: toJsonLine(l.object), root: false };
        yield* flatten(l.children);
      }
    };
    for (const record of plan.roots) {
      const line = plan.projector.node(
        plan.wrap(record as never),
        plan.rootType,
        plan.nodeSelection.selectionSet,
        null,
      );
      yield { line: toJsonLine(line.object), root: true };
      // Children held back from the previous parent come after this parent: still after their own parent.
      yield* flatten(held);
      held = [];
      const children = line.children;
      if (children.length > 1 && prng.chance(0.3)) {
        const keep = prng.int(1, children.length - 1);
        yield* flatten(children.slice(0, keep));
        held = children.slice(keep);
      } else {
        yield* flatten(children);
      }
    }
    yield* flatten(held);
  }

  /** The JSONL file as a stream (backpressure-aware), or null when the operation has no such file. */
  stream(id: bigint, partial: boolean): Readable | null {
    const op = this.operations.get(id);
    if (!op || op.lineLimit === null) return null;
    if (partial ? op.status !== "FAILED" || !op.partialDataUrl : op.status !== "COMPLETED") return null;
    const limit = op.lineLimit;
    const source = this.generate(id);
    let written = 0;
    return new Readable({
      read() {
        const chunk: string[] = [];
        while (chunk.length < 500 && written < limit) {
          const next = source.next();
          if (next.done) break;
          chunk.push(next.value.line);
          written += 1;
        }
        if (chunk.length === 0) this.push(null);
        else this.push(`${chunk.join("\n")}\n`);
      },
    });
  }
}
