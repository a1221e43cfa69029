/**
 * One Admin GraphQL request, as Shopify answers it: parse → validate against the real schema (Shopify-worded
 * errors; strict mode also rejects deprecated fields) → cost check (MAX_COST_EXCEEDED) → leaky bucket (THROTTLED,
 * HTTP 200; the bucket must hold the whole requested cost) → execute → refund requested − actual. Every answer carries `extensions.cost`.
 */
import {
  execute,
  Kind,
  NoDeprecatedCustomRule,
  parse,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type OperationDefinitionNode,
} from "graphql";
import type { AccessTokenInfo, EmuShop, EmulatorContext } from "../model";
import { actualQueryCost, operationContext, requestedQueryCost, type ActualCostModel } from "./cost";
import {
  deprecatedFieldError,
  executionErrorJson,
  RATE_LIMITS_DOC,
  toShopifyValidationError,
  type ShopifyErrorJson,
} from "./errors";
import { createRootValue } from "./root";
import { loadSchema, schemaVersionFor, type SchemaVersion } from "./schema";
import type { BulkService, GqlContext } from "./context";
import { SINGLE_QUERY_MAX_COST, type LeakyBucket, type ThrottleStatus } from "./throttle";

export interface GraphqlRequestBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface GraphqlCall {
  emu: EmulatorContext;
  shop: EmuShop;
  access: AccessTokenInfo;
  apiVersion: string;
  bulk: BulkService;
  bucket: LeakyBucket;
  /** How `actualQueryCost` is computed (cost.ts; default "observed", fitted to real Shopify). */
  actualCost?: ActualCostModel;
  strict: boolean;
  body: GraphqlRequestBody;
}

interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

export interface GraphqlResult {
  data?: unknown;
  errors?: ShopifyErrorJson[];
  extensions: { cost: CostExtension; search?: unknown };
}

const documentCache = new Map<string, DocumentNode>();

/** Parses a document once per distinct text (throws a GraphQLError on a syntax error). */
export function parseCached(query: string): DocumentNode {
  let doc = documentCache.get(query);
  if (!doc) {
    doc = parse(query);
    if (documentCache.size > 500) documentCache.clear();
    documentCache.set(query, doc);
  }
  return doc;
}

/**
 * Validates a document against the real schema serving `apiVersion` (default 2025-04; "2026-10" is validated
 * against 2026-07); `strict` adds the deprecated-field rule. Shopify-shaped errors.
 */
export function validateDocument(
  document: DocumentNode,
  strict: boolean,
  apiVersion: string = "2025-04",
): ShopifyErrorJson[] {
  const schema = loadSchema(schemaVersionFor(apiVersion));
  const errors = validate(schema, document).map((e) => toShopifyValidationError(e, document));
  if (errors.length > 0 || !strict) return errors;
  return validate(schema, document, [NoDeprecatedCustomRule])
    .map((e: GraphQLError) => deprecatedFieldError(e, document))
    .filter((e): e is ShopifyErrorJson => e !== null);
}

const MAX_COST_MESSAGE = (cost: number, max: number) =>
  `Query cost is ${cost}, which exceeds the single query max cost limit (${max}).\n\nSee https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\nSee https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n`;

/** Runs one request; always resolves (errors are part of the result, HTTP 200 like Shopify). */
export async function runGraphql(call: GraphqlCall): Promise<GraphqlResult> {
  const costOf = (requested: number, actual: number | null): CostExtension => ({
    requestedQueryCost: requested,
    actualQueryCost: actual,
    throttleStatus: call.bucket.status(),
  });
  const query = call.body.query;
  if (typeof query !== "string" || query.trim() === "") {
    return {
      errors: [{ message: "No query string was present", extensions: { code: "parseError" } }],
      extensions: { cost: costOf(0, 0) },
    };
  }
  let document: DocumentNode;
  try {
    document = parseCached(query);
  } catch (error) {
    return { errors: [toShopifyValidationError(error as GraphQLError)], extensions: { cost: costOf(0, 0) } };
  }
  const schemaVersion: SchemaVersion = schemaVersionFor(call.apiVersion);
  const schema = loadSchema(schemaVersion);
  const validationErrors = validateDocument(document, call.strict, call.apiVersion);
  if (validationErrors.length > 0) return { errors: validationErrors, extensions: { cost: costOf(0, 0) } };

  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operationName = typeof call.body.operationName === "string" ? call.body.operationName : undefined;
  const operation = operationName
    ? operations.find((o) => o.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  if (!operation) {
    return {
      errors: [
        {
          message: operationName ? `No operation named "${operationName}"` : "An operation name is required",
          extensions: { code: "OPERATION_NAME_REQUIRED" },
        },
      ],
      extensions: { cost: costOf(0, 0) },
    };
  }
  const variables =
    call.body.variables && typeof call.body.variables === "object"
      ? (call.body.variables as Record<string, unknown>)
      : {};
  const walk = operationContext(
    schema,
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION),
    variables,
  );
  const requested = requestedQueryCost(walk, operation);
  // 1,000 points whatever the bucket; a bucket configured smaller (tests) could never pay more than its size.
  const maxCost = Math.min(SINGLE_QUERY_MAX_COST, call.bucket.maximumAvailable);
  if (requested > maxCost) {
    return {
      errors: [
        {
          message: MAX_COST_MESSAGE(requested, maxCost),
          extensions: {
            code: "MAX_COST_EXCEEDED",
            cost: requested,
            maxCost,
            documentation: RATE_LIMITS_DOC,
          },
        },
      ],
      extensions: { cost: costOf(requested, null) },
    };
  }
  if (!call.bucket.tryTake(requested)) {
    return {
      errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: RATE_LIMITS_DOC } }],
      extensions: { cost: costOf(requested, null) },
    };
  }
  const ctx: GqlContext = {
    emu: call.emu,
    shop: call.shop,
    access: call.access,
    apiVersion: call.apiVersion,
    schema,
    bulk: call.bulk,
    searchWarnings: [],
  };
  const result = await execute({
    schema,
    document,
    rootValue: createRootValue(ctx),
    contextValue: ctx,
    variableValues: variables,
    operationName,
  });
  const actual = Math.min(
    requested,
    actualQueryCost(walk, operation, result.data as Record<string, unknown> | null, call.actualCost),
  );
  call.bucket.refund(requested - actual);
  const out: GraphqlResult = { data: result.data, extensions: { cost: costOf(requested, actual) } };
  if (result.errors && result.errors.length > 0) {
    out.errors = result.errors.map((e) => {
      if (e.originalError && !(e.originalError as { extensions?: unknown }).extensions) {
        // An emulator bug, not a client error: say so instead of hiding it.
        return { ...executionErrorJson(e), extensions: { code: "INTERNAL_SERVER_ERROR" } };
      }
      return executionErrorJson(e);
    });
  }
  if (ctx.searchWarnings.length > 0) out.extensions.search = ctx.searchWarnings;
  return out;
}
