/**
 * HTTP plumbing of the integrations API: bearer authentication (organization API token or Shopify session token),
 * input validation that names the bad field, and one JSON error shape `{ error: { code, message, field? } }` for
 * every failure. Routes stay thin: authenticate → validate → call a service → respond.
 */
import type { z } from "zod";
import { AppError, isAppError } from "../../lib/errors";
import type { AppDb } from "../../sync/platform";
import { looksLikeApiToken, verifyApiToken } from "../api-tokens.server";
import { organizationForShop } from "../organization.server";

/** Who is calling: the organization and an audit actor. */
export interface ApiPrincipal {
  organizationId: string;
  actor: string;
  via: "api_token" | "session_token";
}

/** Verifies a Shopify session token (signature, audience, expiry); returns its shop domain or null. */
export type SessionTokenVerifier = (token: string) => Promise<{ shop: string } | null>;

/** Request bodies above this are refused (413): the API's inputs are a few fields. */
export const MAX_BODY_BYTES = 16 * 1024;

export class InvalidInputError extends AppError {
  constructor(readonly issues: Array<{ field: string; message: string }>) {
    super("invalid_input", `${issues[0].field} ${issues[0].message}`, { httpStatus: 400 });
  }
}

function unauthorized(code: string, message: string) {
  return new AppError(code, message, { httpStatus: 401 });
}

/** Authenticates `Authorization: Bearer <token>`; throws a 401 AppError otherwise. */
export async function authenticateApiRequest(
  db: AppDb,
  request: Request,
  verifySessionToken: SessionTokenVerifier,
): Promise<ApiPrincipal> {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) {
    throw unauthorized(
      "missing_token",
      "Send an API token as 'Authorization: Bearer <token>'. Create one in the app's Settings.",
    );
  }
  const token = match[1];
  if (looksLikeApiToken(token) || token.startsWith("cst_")) {
    const found = await verifyApiToken(db, token);
    if (!found) throw unauthorized("invalid_token", "This API token is unknown or was revoked.");
    return { organizationId: found.organizationId, actor: `api-token:${found.tokenId}`, via: "api_token" };
  }
  const session = await verifySessionToken(token).catch(() => null);
  if (!session)
    throw unauthorized("invalid_token", "The bearer token is not a valid API token or session token.");
  const organization = await organizationForShop(db, session.shop);
  if (!organization)
    throw unauthorized("shop_not_installed", `${session.shop} has not installed Commerce Sync.`);
  return {
    organizationId: organization.organizationId,
    actor: `merchant:${session.shop}`,
    via: "session_token",
  };
}

/** Validates `value` against `schema`; a failure names the field ("body.kind must be one of …"). */
export function parseInput<S extends z.ZodTypeAny>(
  schema: S,
  value: unknown,
  location: "body" | "query" | "path",
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new InvalidInputError(
    result.error.issues.map((issue) => {
      const unknownKeys = issue.code === "unrecognized_keys" ? (issue as { keys: string[] }).keys : [];
      const path = [location, ...issue.path.map(String), ...unknownKeys.slice(0, 1)].join(".");
      const message =
        issue.code === "unrecognized_keys"
          ? "is not a field this endpoint accepts"
          : issue.code === "invalid_type" && issue.received === "undefined"
            ? "is required"
            : issue.message.replace(/^Invalid enum value\. /, "");
      return { field: path, message };
    }),
  );
}

/** The JSON body of a POST (an empty body is `{}`); 415 for other content types, 413 when too large. */
export async function readJsonBody(request: Request): Promise<unknown> {
  const text = await request.text();
  if (Buffer.byteLength(text, "utf8") > MAX_BODY_BYTES) {
    throw new AppError("body_too_large", `The request body is larger than ${MAX_BODY_BYTES} bytes.`, {
      httpStatus: 413,
    });
  }
  if (text.trim() === "") return {};
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new AppError(
      "unsupported_media_type",
      "Send the body as JSON with 'Content-Type: application/json'.",
      {
        httpStatus: 415,
      },
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("invalid_json", "The request body is not valid JSON.", { httpStatus: 400 });
  }
}

const JSON_HEADERS = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" };

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

/** The API's error response for anything thrown by a handler. Unexpected errors are logged and answered 500. */
export function errorResponse(error: unknown): Response {
  if (error instanceof Response) return error;
  if (isAppError(error)) {
    const body: { code: string; message: string; field?: string; issues?: InvalidInputError["issues"] } = {
      code: error.code,
      message: error.message,
    };
    if (error instanceof InvalidInputError) {
      body.field = error.issues[0].field;
      body.issues = error.issues;
    }
    const headers: Record<string, string> =
      error.httpStatus === 401 ? { "WWW-Authenticate": 'Bearer realm="commerce-sync"' } : {};
    return jsonResponse({ error: body }, error.httpStatus, headers);
  }
  console.error("Integrations API: unexpected error", error instanceof Error ? error.message : error);
  return jsonResponse(
    { error: { code: "internal_error", message: "Something went wrong on our side. Try again." } },
    500,
  );
}

/** 405 for methods a route does not serve, with the ones it does. */
export function methodNotAllowed(allowed: string[]): Response {
  return jsonResponse(
    { error: { code: "method_not_allowed", message: `Use ${allowed.join(" or ")} on this endpoint.` } },
    405,
    { Allow: allowed.join(", ") },
  );
}
