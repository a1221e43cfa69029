/**
 * The mini Shopify admin that hosts the embedded app in a real browser:
 * - GET /admin/apps/{handle}[/path]: an admin-like page framing `{appUrl}[/path]?embedded=1&hmac&host&id_token&…`;
 * - GET /_emulator/app-bridge.js: the App Bridge stand-in (see app-bridge-script.ts);
 * - GET /_emulator/session-token?shop=: a fresh session token for the stand-in (CORS-open, the app is cross-origin).
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorContext, EmuShop } from "../model";
import { escapeHtml, sendHtml, sendJson } from "../../shared/http";
import { shopForBrowser } from "../auth/request";
import { hostParam, queryHmac } from "../auth/query-hmac";
import { SESSION_TOKEN_TTL_S, signSessionToken } from "../auth/session-token";
import { appBridgeScript } from "./app-bridge-script";
import { handleExtensionRoute } from "./extension-routes";

const CORS_HEADERS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, OPTIONS",
  "Access-Control-Allow-Headers": "Content-Type, Authorization, X-Emulated-Shop",
  "Access-Control-Max-Age": "600",
};

/**
 * The URL Shopify admin loads in the app iframe: the app URL (plus an optional sub-path and extra query) with
 * `embedded`, `host`, `id_token`, `locale`, `session`, `shop`, `timestamp` and the `hmac` over all of them.
 */
export async function embeddedAppUrl(
  ctx: EmulatorContext,
  shop: EmuShop,
  options: { subPath?: string; extraParams?: Record<string, string>; userId?: string } = {},
): Promise<string> {
  const target = new URL(ctx.app.appUrl);
  if (options.subPath)
    target.pathname = `${target.pathname.replace(/\/$/, "")}/${options.subPath.replace(/^\//, "")}`;
  const params: Record<string, string> = {
    ...options.extraParams,
    embedded: "1",
    host: hostParam(shop.domain),
    id_token: await signSessionToken(ctx, shop.domain, { userId: options.userId }),
    locale: "en",
    session: randomBytes(32).toString("hex"),
    shop: shop.domain,
    timestamp: String(Math.floor(ctx.now().getTime() / 1000)),
  };
  params.hmac = queryHmac(ctx.app.apiSecret, params);
  for (const key of Object.keys(params).sort()) target.searchParams.set(key, params[key]);
  return target.toString();
}

/**
 * Handles `/admin/apps/*`, `/_emulator/app-bridge.js`, `/_emulator/session-token` and `/favicon.ico`. True when
 * answered.
 */
export async function handleAdminRoute(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  // The admin's tab icon: browsers ask for it on every admin page, and a 404 shows as an error in their console.
  if (url.pathname === "/favicon.ico" && (req.method === "GET" || req.method === "HEAD")) {
    res.writeHead(204, { "Cache-Control": "max-age=86400" });
    res.end();
    return true;
  }
  if (url.pathname === "/_emulator/app-bridge.js") {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    res.writeHead(200, {
      "Content-Type": "text/javascript; charset=utf-8",
      "Cache-Control": "no-store",
      "Access-Control-Allow-Origin": "*",
    });
    res.end(
      req.method === "HEAD"
        ? undefined
        : appBridgeScript({ emulatorUrl: ctx.baseUrl, apiKey: ctx.app.apiKey }),
    );
    return true;
  }
  if (url.pathname === "/_emulator/session-token") {
    if (req.method === "OPTIONS") {
      res.writeHead(204, CORS_HEADERS);
      res.end();
      return true;
    }
    if (req.method !== "GET") return false;
    const shop = shopForBrowser(ctx, req, url);
    if (!shop) {
      sendJson(res, 404, { error: "Unknown shop" }, CORS_HEADERS);
      return true;
    }
    const token = await signSessionToken(ctx, shop.domain, {
      userId: url.searchParams.get("user_id") ?? undefined,
    });
    sendJson(res, 200, { token, shop: shop.domain, expires_in: SESSION_TOKEN_TTL_S }, CORS_HEADERS);
    return true;
  }
  if (await handleExtensionRoute(ctx, req, res, url)) return true;
  const appMatch = /^\/admin\/apps\/([^/]+)(\/.*)?$/.exec(url.pathname);
  if (!appMatch || (req.method !== "GET" && req.method !== "HEAD")) return false;
  const handle = decodeURIComponent(appMatch[1]);
  if (handle !== ctx.app.appHandle && handle !== ctx.app.apiKey) {
    sendHtml(
      res,
      404,
      `<!doctype html><h1>App not found</h1><p>No app with handle ${escapeHtml(handle)}.</p>`,
    );
    return true;
  }
  const shop = shopForBrowser(ctx, req, url);
  if (!shop) {
    sendHtml(res, 404, `<!doctype html><h1>Shop not found</h1>`);
    return true;
  }
  const extraParams: Record<string, string> = {};
  for (const [key, value] of url.searchParams) if (key !== "shop") extraParams[key] = value;
  const src = await embeddedAppUrl(ctx, shop, { subPath: appMatch[2], extraParams });
  sendHtml(res, 200, adminPage(ctx, shop, src));
  return true;
}

function adminPage(ctx: EmulatorContext, shop: EmuShop, iframeSrc: string): string {
  const title = `${ctx.app.appHandle} · ${shop.name} · Shopify emulator`;
  const appPath = `/admin/apps/${encodeURIComponent(ctx.app.appHandle)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  html,body{margin:0;height:100%;font-family:system-ui,sans-serif;background:#f1f1f1}
  header{height:48px;background:#1a1a1a;color:#e3e3e3;display:flex;align-items:center;gap:16px;padding:0 16px}
  header strong{color:#fff}
  .layout{display:flex;height:calc(100% - 48px)}
  nav{width:220px;padding:12px;box-sizing:border-box;font-size:14px;color:#303030}
  nav a{display:block;padding:6px 8px;border-radius:8px;color:inherit;text-decoration:none}
  nav a.active{background:#fff;font-weight:600}
  main{flex:1;padding:8px 8px 0 0}
  iframe{width:100%;height:100%;border:0;border-radius:12px 12px 0 0;background:#fff}
  /* Phones: as Shopify's mobile admin keeps the app's menu one tap away, the app's links become one strip above the
     app (scrolled sideways when they do not fit); the admin's own links are left out. */
  @media (max-width: 768px){
    .layout{flex-direction:column}
    nav{width:auto;padding:4px 8px;display:flex;align-items:center;overflow-x:auto;white-space:nowrap;flex:none}
    nav > a:not(.active){display:none}
    #app-nav{display:flex}
    #app-nav a{padding-left:8px !important}
    main{padding:0;min-height:0}
    iframe{border-radius:0}
  }
</style>
</head>
<body>
<header><strong>Shopify emulator</strong><span>${escapeHtml(shop.name)} (${escapeHtml(shop.domain)})</span></header>
<div class="layout">
  <nav aria-label="Admin"><a>Home</a><a>Orders</a><a>Products</a><a href="/admin/customers?shop=${encodeURIComponent(shop.domain)}">Customers</a><a class="active" href="${escapeHtml(appPath)}">${escapeHtml(ctx.app.appHandle)}</a><div id="app-nav"></div></nav>
  <main><iframe id="app-iframe" name="app-iframe" title="${escapeHtml(ctx.app.appHandle)}" src="${escapeHtml(iframeSrc)}"
    allow="clipboard-write"></iframe></main>
</div>
<script>
// The app's navigation menu (ui-nav-menu), posted by the App Bridge stand-in: each link opens that page of the app.
(function () {
  var frame = document.getElementById("app-iframe");
  var appPath = ${JSON.stringify(appPath).replace(/</g, "\\u003c")};
  var shop = ${JSON.stringify(shop.domain)};
  var appOrigin = ${JSON.stringify(new URL(ctx.app.appUrl).origin)};
  window.addEventListener("message", function (event) {
    if (event.source !== frame.contentWindow || event.origin !== appOrigin) return;
    if (!event.data || event.data.type !== "shopify-emulator:nav-menu") return;
    var nav = document.getElementById("app-nav");
    var key = JSON.stringify(event.data.items);
    if (nav.getAttribute("data-items") === key) return;
    nav.setAttribute("data-items", key);
    nav.textContent = "";
    var current = window.location.pathname;
    event.data.items.forEach(function (item) {
      if (item.home || !item.href || item.href.charAt(0) !== "/") return;
      var a = document.createElement("a");
      a.href = appPath + item.href + "?shop=" + encodeURIComponent(shop);
      a.textContent = item.label;
      a.style.paddingLeft = "20px";
      if (current === appPath + item.href) a.className = "active";
      nav.appendChild(a);
    });
    // On a phone the links are one strip: the current page's is scrolled into sight.
    var active = nav.querySelector("a.active");
    if (active) active.scrollIntoView({ block: "nearest", inline: "nearest" });
  });
})();
</script>
</body>
</html>`;
}
