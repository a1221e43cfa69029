/**
 * What every resolver receives as graphql-js `contextValue`, including the bulk operation service (implemented by
 * bulk/bulk-operations.ts: the resolvers depend on this interface, the bulk module on the GraphQL layer — never the
 * other way round).
 */
import type { GraphQLSchema } from "graphql";
import type { AccessTokenInfo, EmuShop, EmulatorContext } from "../model";

export interface GqlContext {
  emu: EmulatorContext;
  shop: EmuShop;
  access: AccessTokenInfo;
  /** From the URL, e.g. "2026-10"; drives version-dependent behaviour such as bulk limits (see versions.ts). */
  apiVersion: string;
  /** The vendored schema serving `apiVersion` (the nearest at or below it). */
  schema: GraphQLSchema;
  bulk: BulkService;
  /** Search warnings collected while resolving (returned in `extensions.search`). */
  searchWarnings: Array<{
    path: string[];
    query: string;
    warnings: Array<{ field: string; message: string }>;
  }>;
}

/** write_x implies read_x, as on Shopify. */
export function hasScope(access: AccessTokenInfo, scope: string): boolean {
  if (access.scopes.includes(scope)) return true;
  if (scope.startsWith("read_")) return access.scopes.includes(`write_${scope.slice(5)}`);
  return false;
}

const DAY_MS = 86_400_000;

/**
 * The creation time (epoch ms) before which `resource` records are hidden from this token, or null when all are
 * visible: orders older than 60 days need read_all_orders.
 */
export function visibleSince(ctx: GqlContext, resource: string): number | null {
  if (resource !== "orders" || hasScope(ctx.access, "read_all_orders")) return null;
  return ctx.emu.now().getTime() - 60 * DAY_MS;
}

/** Orders older than 60 days need read_all_orders (Shopify silently hides them otherwise). */
export function orderVisible(ctx: GqlContext, createdAt: Date): boolean {
  if (hasScope(ctx.access, "read_all_orders")) return true;
  return createdAt.getTime() >= ctx.emu.now().getTime() - 60 * DAY_MS;
}

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
  /** Children grouped under their parent (true) or not (false: a child may precede its parent). */
  groupObjects: boolean;
  /** The API version of the request that started it. */
  apiVersion: string;
  /** Set by `expireUrls` (control API): its URLs answer as expired from then on. */
  urlsExpired: boolean;
}

export interface BulkUserError {
  field: string[] | null;
  message: string;
  code: "INVALID" | "OPERATION_IN_PROGRESS" | "LIMIT_REACHED";
}

export interface BulkService {
  get(shop: EmuShop, id: bigint): BulkOperationRecord | undefined;
  /** The shop's latest operation (currentBulkOperation). */
  current(shop: EmuShop): BulkOperationRecord | null;
  all(shop?: string): BulkOperationRecord[];
  /** bulkOperationRunQuery; `groupObjects` unset = the requested API version's default. */
  run(
    ctx: GqlContext,
    query: string,
    options?: { groupObjects?: boolean | null },
  ): { operation: BulkOperationRecord | null; userErrors: BulkUserError[] };
  cancel(
    shop: EmuShop,
    id: bigint,
  ): { operation: BulkOperationRecord | null; userErrors: Array<{ field: string[]; message: string }> };
}
