/**
 * Routes of the mini admin's extension support: `/admin/customers`, `/admin/customers/{id}`,
 * `/_emulator/extension-host?handle=&shop=&resource=` and `/_emulator/extensions/{handle}.js` (the built bundle,
 * as Shopify's CDN would serve it).
 */
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorContext } from "../model";
import { escapeHtml, sendHtml } from "../../shared/http";
import { shopForBrowser } from "../auth/request";
import { customerPage, customersIndexPage, extensionHostPage } from "./extension-host";

/** True when the request was answered. */
export async function handleExtensionRoute(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const bundle = /^\/_emulator\/extensions\/([\w-]+)\.js$/.exec(url.pathname);
  if (bundle) {
    const extension = ctx.app.adminExtensions?.find((e) => e.handle === bundle[1]);
    const body = extension ? await readFile(extension.file).catch(() => null) : null;
    if (!body) {
      res.writeHead(404, { "Content-Type": "text/plain" });
      res.end(`No built extension "${bundle[1]}" (run npm run build:extensions).`);
      return true;
    }
    res.writeHead(200, { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-store" });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  }
  if (url.pathname === "/_emulator/extension-host") {
    const shop = shopForBrowser(ctx, req, url);
    const extension = ctx.app.adminExtensions?.find((e) => e.handle === url.searchParams.get("handle"));
    const resource = url.searchParams.get("resource") ?? "";
    if (!shop || !extension) {
      sendHtml(res, 404, "<!doctype html><p>Unknown shop or extension.</p>");
      return true;
    }
    sendHtml(res, 200, extensionHostPage(ctx, shop, extension, resource));
    return true;
  }
  if (url.pathname === "/admin/customers") {
    const shop = shopForBrowser(ctx, req, url);
    if (!shop) return notFound(res, "Shop not found");
    sendHtml(res, 200, customersIndexPage(ctx, shop));
    return true;
  }
  const customerMatch = /^\/admin\/customers\/(\d{1,20})$/.exec(url.pathname);
  if (customerMatch) {
    const shop = shopForBrowser(ctx, req, url);
    const customer = shop?.customers.get(BigInt(customerMatch[1]));
    if (!shop || !customer) return notFound(res, `Customer ${escapeHtml(customerMatch[1])} not found`);
    sendHtml(res, 200, customerPage(ctx, shop, customer));
    return true;
  }
  return false;
}

function notFound(res: ServerResponse, message: string): true {
  sendHtml(res, 404, `<!doctype html><h1>${message}</h1>`);
  return true;
}
