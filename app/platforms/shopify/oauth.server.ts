/**
 * Shopify's OAuth token endpoint (`POST https://{shop}/admin/oauth/access_token`): the authorization-code grant and
 * the refresh-token grant of expiring offline tokens. Every call is counted through `recordCall`; secrets and
 * tokens never reach a log or an error message.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { StoreCallRecorder } from "../../sync/platform";
import { ShopifyAuthError, ShopifyHttpError } from "./errors";
import { startCall } from "./call-record";

/** What the token endpoint answers (offline token; expiring ones carry the refresh fields). */
export interface ShopifyTokenSet {
  accessToken: string;
  scope: string | null;
  /** When the access token stops working (expiring offline tokens only). */
  expiresAt: Date | null;
  refreshToken: string | null;
  refreshTokenExpiresAt: Date | null;
}

export interface TokenEndpointOptions {
  shop: string;
  apiKey: string;
  apiSecret: string;
  fetch: typeof fetch;
  recordCall: StoreCallRecorder;
  now?: () => Date;
}

interface TokenResponse {
  access_token?: string;
  scope?: string;
  expires_in?: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
  error?: string;
  error_description?: string;
}

/**
 * Shopify's query-string HMAC: hex SHA-256, with the app secret, of the other parameters sorted by name and
 * form-encoded (spaces as %20), the message Shopify signs on its admin → app redirects.
 */
export function queryHmac(params: Record<string, string>, apiSecret: string): string {
  const search = new URLSearchParams();
  for (const key of Object.keys(params).sort((a, b) => a.localeCompare(b))) {
    if (key !== "hmac" && key !== "signature") search.append(key, params[key]);
  }
  const message = search.toString().replace(/\+/g, "%20");
  return createHmac("sha256", apiSecret).update(message).digest("hex");
}

/** True when `params.hmac` is Shopify's signature of the other parameters (compared in constant time). */
export function verifyQueryHmac(params: Record<string, string>, apiSecret: string): boolean {
  const given = params.hmac ?? "";
  const expected = queryHmac(params, apiSecret);
  if (!/^[0-9a-f]{64}$/i.test(given)) return false;
  return timingSafeEqual(Buffer.from(given.toLowerCase(), "hex"), Buffer.from(expected, "hex"));
}

async function tokenRequest(
  options: TokenEndpointOptions,
  operation: string,
  body: Record<string, string>,
): Promise<ShopifyTokenSet> {
  const record = startCall(options.recordCall, operation, 1);
  let response: Response;
  try {
    response = await options.fetch(`https://${options.shop}/admin/oauth/access_token`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ client_id: options.apiKey, client_secret: options.apiSecret, ...body }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    record("error", undefined, "network error");
    throw new ShopifyHttpError(operation, 0, (error as Error).message);
  }
  let json: TokenResponse = {};
  try {
    json = (await response.json()) as TokenResponse;
  } catch {
    // Reported below with the status.
  }
  if (!response.ok || !json.access_token) {
    record("error", response.status, json.error ?? "no access token");
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      throw new ShopifyAuthError(options.shop, response.status);
    }
    throw new ShopifyHttpError(operation, response.status, json.error_description ?? json.error ?? "");
  }
  record("ok", response.status);
  const now = (options.now ?? (() => new Date()))().getTime();
  return {
    accessToken: json.access_token,
    scope: json.scope ?? null,
    expiresAt: typeof json.expires_in === "number" ? new Date(now + json.expires_in * 1000) : null,
    refreshToken: json.refresh_token ?? null,
    refreshTokenExpiresAt:
      typeof json.refresh_token_expires_in === "number"
        ? new Date(now + json.refresh_token_expires_in * 1000)
        : null,
  };
}

/** Exchanges an authorization code (from a verified callback) for an expiring offline token. */
export function exchangeAuthorizationCode(
  options: TokenEndpointOptions,
  code: string,
): Promise<ShopifyTokenSet> {
  return tokenRequest(options, "oauth:authorization_code", { code, expiring: "1" });
}

/** Trades a refresh token for a new access token (and a new refresh token: they rotate). */
export function refreshAccessToken(
  options: TokenEndpointOptions,
  refreshToken: string,
): Promise<ShopifyTokenSet> {
  return tokenRequest(options, "oauth:refresh_token", {
    grant_type: "refresh_token",
    refresh_token: refreshToken,
  });
}
