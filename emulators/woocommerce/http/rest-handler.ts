/**
 * One REST request, start to finish, as WordPress + WC_REST_Authentication handle it: only `/wp-json/wc/...` paths
 * are authenticated (`?rest_route=` requests stay anonymous), then a security plugin's refusal of anonymous
 * requests (when the emulator plays one), then the route — the public index at `/`, WooCommerce's v3 routes —
 * then `_fields`, then the answer.
 */
import type http from "node:http";
import { readBody } from "../../shared/http";
import { authenticate } from "../auth/authenticate";
import type { WooEmulatorContext } from "../context";
import { RestError, noRoute } from "../errors";
import { parsePhpQuery } from "../php";
import { filterFields, parseFieldList } from "../rest/fields";
import type { RestRequest } from "../rest/request";
import { dispatchRest } from "../rest/router";
import type { EmulatedWooApiKey } from "../store/records";
import { anonymousRestRefusal, restIndexBody } from "./rest-index";
import { optionsAnswer } from "./rest-options";
import { sendRest } from "./rest-response";

function parseBody(raw: string, contentType: string): Record<string, unknown> {
  if (!raw) return {};
  if (contentType.includes("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new RestError(400, "rest_invalid_json", "Invalid JSON body passed.", {
        json_error_code: 4,
        json_error_message: "Syntax error",
      });
    }
    return parsed && typeof parsed === "object" && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  }
  if (contentType.includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(parsePhpQuery(raw).map((e) => [e.key, e.value]));
  }
  return {};
}

export interface RestCall {
  url: URL;
  /** The method the route sees (after `_method` / X-HTTP-Method-Override on POST). */
  method: string;
  /** The method on the wire; the OAuth signature covers this one. */
  wireMethod: string;
  /** `?rest_route=` value when the request used that form instead of /wp-json/. */
  restRoute: string | null;
}

/** Answers a REST request; every error answer is a WordPress error body. Resolves the HTTP status sent. */
export async function handleRestRequest(
  ctx: WooEmulatorContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  call: RestCall,
): Promise<number> {
  const { url, method, wireMethod, restRoute } = call;
  const head = method === "HEAD";
  const path = url.pathname;
  try {
    const rawBody = wireMethod === "GET" || wireMethod === "HEAD" ? "" : await readBody(req);
    const contentType = String(req.headers["content-type"] ?? "");
    const rawQuery = url.search.slice(1);
    // rest_api_loaded() serves untrailingslashit(rest_route): `/wc/v3/orders/` is `/wc/v3/orders`. The signature
    // still covers the path as sent (authenticate gets `path`).
    const restPath = untrailingslashit(
      restRoute !== null && !path.startsWith("/wp-json/") ? restRoute : path.slice("/wp-json".length),
    );
    const https = wordPressSeesHttps(ctx, req);
    let key: EmulatedWooApiKey | null = null;
    let authError: RestError | null = null;
    // Only /wp-json/wc/... requests are authenticated (WC_REST_Authentication::is_request_to_rest_api).
    if (path.startsWith("/wp-json/wc/")) {
      const outcome = authenticate(
        {
          method,
          wireMethod,
          path,
          rawQuery,
          rawFormBody: contentType.includes("application/x-www-form-urlencoded") ? rawBody : "",
          authorization: ctx.config.stripsAuthorizationHeader ? undefined : req.headers.authorization,
          https,
          siteUrl: ctx.siteUrl,
          nowMs: ctx.clock.now(),
        },
        ctx.store.keys,
      );
      if ("error" in outcome) authError = outcome.error;
      else key = outcome.key;
    }
    // A plugin on rest_authentication_errors (priority 10) speaks before WooCommerce's own error (priority 15).
    const refusal = key ? null : anonymousRestRefusal(ctx);
    if (refusal) throw refusal;
    if (authError) throw authError;
    const query = parsePhpQuery(rawQuery).filter((e) => e.key !== "rest_route");
    const params: Record<string, unknown> = Object.fromEntries(query.map((e) => [e.key, e.value]));
    const fields = parseFieldList(params._fields);
    if (method === "OPTIONS") {
      const result = optionsAnswer(ctx.siteUrl, restPath, key !== null);
      sendRest(res, ctx.siteUrl, { ...result, body: filterFields(result.body, fields) }, head);
      return result.status;
    }
    if (restPath === "/" || restPath === "") {
      if (method !== "GET" && method !== "HEAD") throw noRoute();
      const body = filterFields(restIndexBody(ctx, fields, https), fields);
      sendRest(res, ctx.siteUrl, { status: 200, body, headers: { Allow: "GET" } }, head);
      return 200;
    }
    if (!restPath.startsWith("/wc/v3/") && restPath !== "/wc/v3") throw noRoute();
    Object.assign(params, parseBody(rawBody, contentType));
    const restRequest: RestRequest = { method, route: restPath.slice("/wc/v3".length), query, params, key };
    const result = await dispatchRest(ctx, restRequest);
    sendRest(res, ctx.siteUrl, { ...result, body: filterFields(result.body, fields) }, head);
    return result.status;
  } catch (error) {
    if (!(error instanceof RestError)) throw error;
    sendRest(res, ctx.siteUrl, { status: error.status, body: error.body(), headers: error.headers }, head);
    return error.status;
  }
}

/** WordPress's `untrailingslashit()` as rest_api_loaded() applies it, "/" for an empty route. */
function untrailingslashit(route: string): string {
  return route.replace(/[/\\]+$/, "") || "/";
}

/**
 * WordPress's `is_ssl()` for a request: TLS that reaches PHP, or a forwarded scheme when the site maps it to
 * `$_SERVER['HTTPS']` (`trustForwardedProto`). The proxy of `tlsHiddenFromWordPress` forwards "https".
 */
function wordPressSeesHttps(ctx: WooEmulatorContext, req: http.IncomingMessage): boolean {
  const { tls, tlsHiddenFromWordPress, trustForwardedProto } = ctx.config;
  if (tls && !tlsHiddenFromWordPress) return true;
  if (!trustForwardedProto) return false;
  if (tls) return true;
  const forwarded = String(req.headers["x-forwarded-proto"] ?? "")
    .split(",")[0]
    .trim()
    .toLowerCase();
  return forwarded === "https";
}
