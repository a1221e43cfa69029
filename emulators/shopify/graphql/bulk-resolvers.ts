/**
 * Bulk operations over GraphQL: `bulkOperationRunQuery(query, groupObjects)`, `bulkOperationCancel`, and the ways
 * to read them — `node(id)`, `currentBulkOperation` (deprecated on 2026-07), and from 2026-07's schema
 * `bulkOperation(id:)` and `bulkOperations` (filter `status:`, `operation_type:`, `created_at:`, `id:`; sort
 * CREATED_AT or COMPLETED_AT).
 */
import { gid, parseGid } from "../model";
import type { BulkOperationRecord } from "./bulk-service";
import { paginate, type PageArgs } from "./connection";
import type { GqlContext } from "./context";
import { compareTerm, parseSearchDate, parseSearchQuery, type SearchTerm } from "./search-query";

const iso = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, "Z") : null);

/** The GraphQL BulkOperation object of a record. */
export function bulkOperationView(op: BulkOperationRecord) {
  return {
    __typename: "BulkOperation",
    id: gid("BulkOperation", op.id),
    status: op.status,
    errorCode: op.errorCode,
    type: op.type,
    query: op.query,
    createdAt: iso(op.createdAt),
    completedAt: iso(op.completedAt),
    objectCount: String(op.objectCount),
    rootObjectCount: String(op.rootObjectCount),
    fileSize: op.fileSize === null ? null : String(op.fileSize),
    url: op.url,
    partialDataUrl: op.partialDataUrl,
  };
}

function matches(op: BulkOperationRecord, term: SearchTerm): boolean | undefined {
  switch (term.field) {
    case "status":
      return compareTerm(op.status, term, term.value.toUpperCase());
    case "operation_type":
      return compareTerm(op.type, term, term.value.toUpperCase());
    case "created_at": {
      const expected = parseSearchDate(term.value);
      return expected === null ? undefined : compareTerm(op.createdAt.getTime(), term, expected);
    }
    case "id": {
      const digits = /(\d+)$/.exec(term.value);
      return digits ? compareTerm(op.id, term, BigInt(digits[1])) : undefined;
    }
    default:
      return undefined;
  }
}

export function bulkResolvers(ctx: GqlContext) {
  const shop = ctx.shop;
  const view = (op: BulkOperationRecord | null | undefined) => (op ? bulkOperationView(op) : null);
  return {
    currentBulkOperation: (args: { type?: string | null }) =>
      args.type === "MUTATION" ? null : view(ctx.bulk.current(shop)),
    bulkOperation: (args: { id: string }) => {
      const parsed = parseGid(args.id);
      return parsed?.type === "BulkOperation" ? view(ctx.bulk.get(shop, parsed.id)) : null;
    },
    bulkOperations: (args: PageArgs & { query?: string | null; sortKey?: string | null }) => {
      const parsed = parseSearchQuery(args.query);
      const terms = parsed.terms.filter((term) => matches(PROBE, term) !== undefined);
      const unknown = parsed.terms.filter((term) => !terms.includes(term));
      if (unknown.length > 0) {
        ctx.searchWarnings.push({
          path: ["bulkOperations"],
          query: args.query ?? "",
          warnings: unknown.map((t) => ({ field: t.field, message: "Invalid search field for this query." })),
        });
      }
      const completed = args.sortKey === "COMPLETED_AT";
      const key = (op: BulkOperationRecord): [number, bigint] => [
        (completed ? op.completedAt?.getTime() : op.createdAt.getTime()) ?? Number.MAX_SAFE_INTEGER,
        op.id,
      ];
      const ops = ctx.bulk
        .all(shop.domain)
        .filter((op) => terms.every((term) => matches(op, term) === true))
        .sort((a, b) => {
          const [x, y] = [key(a), key(b)];
          return x[0] !== y[0] ? x[0] - y[0] : x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0;
        });
      return paginate(ops, key, args, bulkOperationView);
    },
    bulkOperationRunQuery: (args: { query: string; groupObjects?: boolean | null }) => {
      const { operation, userErrors } = ctx.bulk.run(ctx, args.query, { groupObjects: args.groupObjects });
      return { bulkOperation: view(operation), userErrors };
    },
    bulkOperationCancel: (args: { id: string }) => {
      const parsed = parseGid(args.id);
      const { operation, userErrors } = parsed
        ? ctx.bulk.cancel(shop, parsed.id)
        : { operation: null, userErrors: [{ field: ["id"], message: "Bulk operation does not exist" }] };
      return { bulkOperation: view(operation), userErrors };
    },
  };
}

/** A stand-in operation that tells supported search fields from unknown ones. */
const PROBE: BulkOperationRecord = {
  id: 0n,
  shop: "",
  query: "",
  type: "QUERY",
  status: "COMPLETED",
  errorCode: null,
  createdAt: new Date(0),
  completedAt: null,
  objectCount: 0,
  rootObjectCount: 0,
  fileSize: null,
  url: null,
  partialDataUrl: null,
  lineLimit: null,
  groupObjects: true,
  apiVersion: "",
  urlsExpired: false,
};
