/**
 * `POST /admin/api/{version}/graphql.json`: the access token (401 as Shopify words it), the body (JSON or
 * application/graphql), injected REST-style 429s, 5xx (optionally only for some operations) and hangs, then one
 * request through execute.ts. The answer says which vendored schema served the version; every request past the
 * token check is written to the request log (request-log.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { BulkOperations } from "../bulk/bulk-operations";
import type { ControlState } from "../control/state";
import type { EmulatorContext } from "../model";
import { readBody, sendJson } from "../../shared/http";
import { parseCached, runGraphql, type GraphqlResult } from "./execute";
import { describeOperation } from "./request-log";
import { schemaVersionFor } from "./schema";

export const GRAPHQL_PATH = /^\/admin\/api\/(\d{4}-\d{2}|unstable)\/graphql\.json$/;

/** Answers one GraphQL request for `apiVersion`. */
export async function handleGraphqlRequest(
  context: EmulatorContext,
  state: ControlState,
  bulk: BulkOperations,
  req: IncomingMessage,
  res: ServerResponse,
  apiVersion: string,
): Promise<void> {
  // The version asked for, and the vendored schema that serves it (the nearest at or below it).
  res.setHeader("X-Shopify-API-Version", apiVersion);
  res.setHeader("X-Emulator-Schema-Version", schemaVersionFor(apiVersion));
  if (req.method !== "POST") return sendJson(res, 405, { errors: "Method Not Allowed" });
  const shop = context.shopFor(req.headers);
  if (!shop) return sendJson(res, 404, { errors: "Not Found" });
  const header = req.headers["x-shopify-access-token"];
  const access = typeof header === "string" ? context.tokens.verify(header) : null;
  if (!access || access.shop !== shop.domain || !shop.installed) {
    await readBody(req);
    return sendJson(res, 401, {
      errors: "[API] Invalid API key or access token (unrecognized login or wrong password)",
    });
  }
  let body: Record<string, unknown>;
  try {
    const raw = await readBody(req);
    const contentType = String(req.headers["content-type"] ?? "");
    body = contentType.includes("application/graphql")
      ? { query: raw }
      : (JSON.parse(raw) as Record<string, unknown>);
  } catch {
    return sendJson(res, 400, { errors: "Bad Request: the body is not valid JSON" });
  }
  const described = describe(body);
  const log = (status: number, result?: GraphqlResult) =>
    state.graphqlLog.add({
      at: context.now().toISOString(),
      shop: shop.domain,
      apiVersion,
      ...described,
      variables:
        body.variables && typeof body.variables === "object"
          ? (body.variables as Record<string, unknown>)
          : {},
      status,
      requestedQueryCost: result?.extensions.cost.requestedQueryCost ?? null,
      actualQueryCost: result?.extensions.cost.actualQueryCost ?? null,
      errorCodes: (result?.errors ?? []).map((e) => String(e.extensions?.code ?? "")),
    });
  const injected = state.http429.get(shop.domain);
  if (injected && injected.remaining > 0) {
    injected.remaining -= 1;
    log(429);
    res.setHeader("Retry-After", String(injected.retryAfterS));
    return sendJson(res, 429, {
      errors:
        "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.",
    });
  }
  const serverError = state.http5xx.get(shop.domain);
  const hits = (fault: { operations?: string[] }) =>
    !fault.operations || fault.operations.includes(described.operationName ?? "");
  if (serverError && serverError.remaining > 0 && hits(serverError)) {
    serverError.remaining -= 1;
    log(serverError.status);
    return sendJson(res, serverError.status, {
      errors: "Internal Server Error: something went wrong on Shopify's side.",
    });
  }
  const hang = state.hang.get(shop.domain);
  if (hang && hang.remaining > 0) {
    // Never answer: the client's timeout has to notice (the socket closes when the client gives up).
    hang.remaining -= 1;
    log(0);
    return;
  }
  const result = await runGraphql({
    emu: context,
    shop,
    access,
    apiVersion,
    bulk,
    bucket: state.bucketFor(shop),
    actualCost: state.cost.actual,
    strict: state.strict,
    body,
  });
  log(200, result);
  sendJson(res, 200, result);
}

/** The operation name and root fields of a request body, for the request log (empty when it does not parse). */
function describe(body: Record<string, unknown>) {
  const name = typeof body.operationName === "string" ? body.operationName : null;
  try {
    return describeOperation(typeof body.query === "string" ? parseCached(body.query) : null, name);
  } catch {
    return describeOperation(null, name);
  }
}
