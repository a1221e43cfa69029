/**
 * What the GraphQL layer needs from bulk operations (implemented by bulk/bulk-operations.ts). Declared here so the
 * resolvers depend on an interface and the bulk module, which renders records through the resolver objects,
 * depends on the GraphQL layer — never the other way round.
 */
import type { EmuShop } from "../model";
import type { GqlContext } from "./context";

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
