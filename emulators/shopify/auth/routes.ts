/**
 * OAuth endpoints of the emulated Shopify:
 * - GET/POST /admin/oauth/authorize: approve page (or auto-approve) → redirect to the app with code + hmac + state;
 * - POST /admin/oauth/access_token: authorization-code, token-exchange and refresh-token grants.
 * Error bodies follow Shopify's `{"error": "...", "error_description": "..."}` shape.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorContext, EmuShop } from "../model";
import { escapeHtml, redirect, sendHtml, sendJson } from "../../shared/http";
import { readParams, shopForBrowser } from "./request";
import { hostParam, queryHmac } from "./query-hmac";
import { verifySessionToken } from "./session-token";
import { TokenStore, type AssociatedUser, type IssuedTokenSet } from "./token-store";

export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
export const ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
export const OFFLINE_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:offline-access-token";
export const ONLINE_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:online-access-token";

/** The emulated staff member behind online tokens. */
export function associatedUserFor(shop: string, userId: string): AssociatedUser {
  const numericId = Number.parseInt(userId, 10);
  return {
    id: Number.isFinite(numericId) ? numericId : 1,
    first_name: "Demo",
    last_name: "Merchant",
    email: `owner@${shop}`,
    email_verified: true,
    account_owner: numericId === 1,
    locale: "en",
    collaborator: false,
  };
}

class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

function tokenStoreOf(ctx: EmulatorContext): TokenStore {
  if (ctx.tokens instanceof TokenStore) return ctx.tokens;
  throw new OAuthError(500, "server_error", "The emulator's token store does not support OAuth grants");
}

/**
 * Handles `/admin/oauth/*`. Returns true when the request was answered (it reads the body itself).
 */
export async function handleAuthRoute(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  if (url.pathname === "/admin/oauth/authorize") {
    if (req.method !== "GET" && req.method !== "POST") return methodNotAllowed(res, "GET, POST");
    await handleAuthorize(ctx, req, res, url);
    return true;
  }
  if (url.pathname === "/admin/oauth/access_token") {
    if (req.method !== "POST") return methodNotAllowed(res, "POST");
    try {
      const params = await readParams(req, url).catch(() => {
        throw new OAuthError(400, "invalid_request", "The request body could not be parsed");
      });
      const shop = shopForBrowser(ctx, req, url);
      if (!shop) throw new OAuthError(404, "invalid_request", "Shop not found");
      sendJson(res, 200, await grantAccessToken(ctx, shop, params));
    } catch (err) {
      if (err instanceof OAuthError) {
        sendJson(res, err.status, { error: err.error, error_description: err.description });
      } else {
        sendJson(res, 500, { error: "server_error", error_description: "Unexpected emulator error" });
      }
    }
    return true;
  }
  return false;
}

function methodNotAllowed(res: ServerResponse, allow: string): true {
  res.writeHead(405, { Allow: allow, "Content-Type": "application/json" });
  res.end(JSON.stringify({ errors: "Method Not Allowed" }));
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Authorization page

function errorPage(res: ServerResponse, status: number, message: string): void {
  sendHtml(
    res,
    status,
    `<!doctype html><html><head><meta charset="utf-8"><title>Oauth error</title></head>` +
      `<body><h1>Oauth error invalid_request</h1><p>${escapeHtml(message)}</p></body></html>`,
  );
}

async function handleAuthorize(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, url: URL) {
  let params: Record<string, string>;
  try {
    params = await readParams(req, url);
  } catch {
    errorPage(res, 400, "The request body could not be parsed.");
    return;
  }
  // grant_options[]=per-user arrives as a repeated key; readParams keeps the last value, which is enough here.
  // The approve form posts the shop back in its body; redirected app calls name it in X-Emulated-Shop.
  const shop =
    !req.headers["x-emulated-shop"] && params.shop
      ? ctx.shops.get(params.shop)
      : shopForBrowser(ctx, req, url);
  if (!shop) {
    errorPage(res, 404, "Shop not found.");
    return;
  }
  const clientId = params.client_id ?? "";
  if (clientId !== ctx.app.apiKey) {
    errorPage(res, 400, `The client_id "${clientId}" is not a known app (expected the emulator's API key).`);
    return;
  }
  const redirectUri = params.redirect_uri ?? "";
  let redirectUrl: URL;
  try {
    redirectUrl = new URL(redirectUri);
  } catch {
    errorPage(res, 400, "The redirect_uri is missing or not a URL.");
    return;
  }
  const appHost = new URL(ctx.app.appUrl).host;
  if (redirectUrl.host !== appHost) {
    errorPage(res, 400, `The redirect_uri is not whitelisted: its host must be ${appHost}.`);
    return;
  }
  const scopes = (params.scope ?? ctx.app.scopes.join(","))
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const perUser = params["grant_options[]"] === "per-user" || params.grant_options === "per-user";
  const store = tokenStoreOf(ctx);
  if (req.method === "POST" && params.decision !== "approve") {
    // Declining sends the merchant back to the app with an OAuth error, like leaving the install page.
    const declined = new URL(redirectUrl);
    declined.searchParams.set("error", "access_denied");
    if (params.state) declined.searchParams.set("state", params.state);
    redirect(res, declined.toString());
    return;
  }
  const approved = req.method === "POST" || params.auto_approve === "1" || store.autoApprove;
  if (!approved) {
    renderApprovePage(ctx, res, shop, { ...params, shop: shop.domain }, scopes, perUser);
    return;
  }
  const code = store.createCode({
    shop: shop.domain,
    clientId,
    scopes,
    kind: perUser ? "online" : "offline",
    associatedUser: perUser ? associatedUserFor(shop.domain, params.user_id ?? "1") : null,
  });
  const callback: Record<string, string> = {
    code: code.code,
    host: hostParam(shop.domain),
    shop: shop.domain,
    state: params.state ?? "",
    timestamp: String(Math.floor(ctx.now().getTime() / 1000)),
  };
  callback.hmac = queryHmac(ctx.app.apiSecret, callback);
  for (const [key, value] of Object.entries(callback)) redirectUrl.searchParams.set(key, value);
  redirect(res, redirectUrl.toString());
}

function renderApprovePage(
  ctx: EmulatorContext,
  res: ServerResponse,
  shop: EmuShop,
  params: Record<string, string>,
  scopes: string[],
  perUser: boolean,
): void {
  const hidden = Object.entries(params)
    .filter(([key]) => key !== "decision" && key !== "auto_approve")
    .map(([key, value]) => `<input type="hidden" name="${escapeHtml(key)}" value="${escapeHtml(value)}">`)
    .join("\n      ");
  const scopeItems = scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join("");
  sendHtml(
    res,
    200,
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Install ${escapeHtml(ctx.app.appHandle)} – ${escapeHtml(shop.name)}</title>
<style>body{font-family:system-ui,sans-serif;background:#f1f1f1;margin:0}main{max-width:520px;margin:48px auto;background:#fff;border-radius:12px;padding:24px;box-shadow:0 1px 3px #0002}button{padding:8px 16px;border-radius:8px;border:1px solid #999;margin-right:8px;cursor:pointer}button[value=approve]{background:#303030;color:#fff}</style>
</head><body><main>
  <p>Shopify emulator · ${escapeHtml(shop.domain)}</p>
  <h1>Install ${escapeHtml(ctx.app.appHandle)}?</h1>
  <p>The app asks for ${perUser ? "an online (per-user) token with" : ""} these scopes:</p>
  <ul>${scopeItems}</ul>
  <form method="post" action="/admin/oauth/authorize">
      ${hidden}
      <button type="submit" name="decision" value="approve">Install app</button>
      <button type="submit" name="decision" value="decline">Cancel</button>
  </form>
</main></body></html>`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Token endpoint

type TokenResponse = Record<string, unknown>;

function checkClient(ctx: EmulatorContext, params: Record<string, string>): void {
  if (!params.client_id || !params.client_secret) {
    throw new OAuthError(400, "invalid_request", "client_id and client_secret are required");
  }
  if (params.client_id !== ctx.app.apiKey || params.client_secret !== ctx.app.apiSecret) {
    throw new OAuthError(401, "invalid_client", "Client credentials are invalid");
  }
}

async function grantAccessToken(
  ctx: EmulatorContext,
  shop: EmuShop,
  params: Record<string, string>,
): Promise<TokenResponse> {
  checkClient(ctx, params);
  const store = tokenStoreOf(ctx);
  const grantType = params.grant_type ?? (params.code ? "authorization_code" : "");
  switch (grantType) {
    case "authorization_code":
      return authorizationCodeGrant(store, shop, params);
    case TOKEN_EXCHANGE_GRANT:
      return tokenExchangeGrant(ctx, store, shop, params);
    case "refresh_token":
      return refreshTokenGrant(store, shop, params);
    default:
      throw new OAuthError(400, "unsupported_grant_type", `The grant_type "${grantType}" is not supported`);
  }
}

function offlineResponse(issued: IssuedTokenSet): TokenResponse {
  const body: TokenResponse = { access_token: issued.accessToken, scope: issued.info.scopes.join(",") };
  if (issued.info.expiresAt && issued.refreshToken && issued.refreshTokenExpiresAt) {
    const nowMs = issued.record.issuedAt.getTime();
    body.expires_in = Math.round((issued.info.expiresAt.getTime() - nowMs) / 1000);
    body.refresh_token = issued.refreshToken;
    body.refresh_token_expires_in = Math.round((issued.refreshTokenExpiresAt.getTime() - nowMs) / 1000);
  }
  return body;
}

function onlineResponse(issued: IssuedTokenSet): TokenResponse {
  const scope = issued.info.scopes.join(",");
  const expiresAt = issued.info.expiresAt as Date;
  return {
    access_token: issued.accessToken,
    scope,
    expires_in: Math.round((expiresAt.getTime() - issued.record.issuedAt.getTime()) / 1000),
    associated_user_scope: scope,
    associated_user: issued.record.associatedUser,
  };
}

function issueOffline(store: TokenStore, shop: string, scopes: string[], expiring: boolean): IssuedTokenSet {
  return expiring
    ? store.issueExpiringOffline({ shop, scopes })
    : store.issue({ shop, scopes, kind: "offline" });
}

function authorizationCodeGrant(
  store: TokenStore,
  shop: EmuShop,
  params: Record<string, string>,
): TokenResponse {
  if (!params.code) throw new OAuthError(400, "invalid_request", "The code parameter is required");
  const consumed = store.consumeCode(params.code);
  if (!consumed.ok || consumed.record.shop !== shop.domain || consumed.record.clientId !== params.client_id) {
    throw new OAuthError(
      400,
      "invalid_request",
      `The authorization code was not found or was already used${consumed.ok ? "" : ` (${consumed.reason})`}`,
    );
  }
  shop.installed = true;
  const { record } = consumed;
  if (record.kind === "online") {
    return onlineResponse(
      store.issue({
        shop: shop.domain,
        scopes: record.scopes,
        kind: "online",
        associatedUser: record.associatedUser,
      }),
    );
  }
  return offlineResponse(issueOffline(store, shop.domain, record.scopes, params.expiring === "1"));
}

async function tokenExchangeGrant(
  ctx: EmulatorContext,
  store: TokenStore,
  shop: EmuShop,
  params: Record<string, string>,
): Promise<TokenResponse> {
  if (!params.subject_token) throw new OAuthError(400, "invalid_request", "subject_token is required");
  if (params.subject_token_type && params.subject_token_type !== ID_TOKEN_TYPE) {
    throw new OAuthError(400, "invalid_request", `subject_token_type must be ${ID_TOKEN_TYPE}`);
  }
  const requested = params.requested_token_type ?? OFFLINE_TOKEN_TYPE;
  if (requested !== OFFLINE_TOKEN_TYPE && requested !== ONLINE_TOKEN_TYPE) {
    throw new OAuthError(400, "invalid_request", `requested_token_type "${requested}" is not supported`);
  }
  const check = await verifySessionToken(ctx, params.subject_token, shop.domain);
  if (!check.ok) throw new OAuthError(400, "invalid_subject_token", check.reason);
  // Shopify-managed installation: exchanging a valid session token installs the app with its configured scopes.
  shop.installed = true;
  const scopes = ctx.app.scopes;
  if (requested === ONLINE_TOKEN_TYPE) {
    const user = associatedUserFor(shop.domain, check.claims.sub);
    return onlineResponse(store.issue({ shop: shop.domain, scopes, kind: "online", associatedUser: user }));
  }
  return offlineResponse(issueOffline(store, shop.domain, scopes, params.expiring === "1"));
}

function refreshTokenGrant(store: TokenStore, shop: EmuShop, params: Record<string, string>): TokenResponse {
  if (!params.refresh_token) throw new OAuthError(400, "invalid_request", "refresh_token is required");
  const issued = store.refresh(params.refresh_token, shop.domain);
  if (!issued) {
    throw new OAuthError(400, "invalid_grant", "The refresh token is invalid, expired or was already used");
  }
  return offlineResponse(issued);
}
