/**
 * The log of Admin GraphQL requests (`GET /_emulator/requests`): per request its shop, operation name, root
 * fields, variables, HTTP status, cost and error codes, so a test can prove which queries a client sent — and which
 * it did not (e.g. no id listing while counts match). Bounded: the oldest entries go first.
 */
import { Kind, type DocumentNode, type OperationDefinitionNode } from "graphql";
import { BoundedLog } from "../../shared/bounded-log";

export interface LoggedGraphqlRequest {
  /** Emulator time, ISO. */
  at: string;
  shop: string;
  apiVersion: string;
  operationName: string | null;
  /** Top-level fields of the operation run (aliases resolved to field names), e.g. `["ordersCount"]`. */
  rootFields: string[];
  variables: Record<string, unknown>;
  /** The HTTP status answered (200 also for GraphQL errors, THROTTLED included). */
  status: number;
  requestedQueryCost: number | null;
  actualQueryCost: number | null;
  /** `extensions.code` of each GraphQL error (empty when none). */
  errorCodes: string[];
}

/** The most requests the log keeps. */
export const GRAPHQL_LOG_LIMIT = 20_000;

/** The Admin GraphQL requests, newest {@link GRAPHQL_LOG_LIMIT} kept. */
export class GraphqlRequestLog extends BoundedLog<LoggedGraphqlRequest> {
  constructor() {
    super(GRAPHQL_LOG_LIMIT);
  }

  /** Logged requests, oldest first (a copy), optionally of one shop. */
  ofShop(shop?: string): LoggedGraphqlRequest[] {
    return this.list(shop === undefined ? undefined : (e) => e.shop === shop);
  }
}

/** The operation a body names (or the only one) and its top-level field names; empty when it cannot be told. */
export function describeOperation(
  document: DocumentNode | null,
  operationName: string | null,
): { operationName: string | null; rootFields: string[] } {
  if (!document) return { operationName, rootFields: [] };
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName
    ? operations.find((o) => o.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  if (!operation) return { operationName, rootFields: [] };
  const rootFields = operation.selectionSet.selections.flatMap((s) =>
    s.kind === Kind.FIELD ? [s.name.value] : [],
  );
  return { operationName: operationName ?? operation.name?.value ?? null, rootFields };
}
