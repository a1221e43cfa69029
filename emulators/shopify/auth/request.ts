/**
 * Request helpers of the browser-facing and OAuth routes (auth/, admin/): Shopify's OAuth parameters from a query, a
 * JSON body or a form, and the shop a browser request is for. Generic HTTP helpers live in emulators/shared/http.ts.
 */
import type { IncomingMessage } from "node:http";
import { readBody } from "../../shared/http";
import { DEFAULT_SHOP, type EmulatorContext, type EmuShop } from "../model";

/**
 * Parses a JSON or form-encoded body into string parameters (Shopify accepts both on its OAuth endpoints).
 * Query parameters fill in what the body does not set.
 */
export async function readParams(req: IncomingMessage, url: URL): Promise<Record<string, string>> {
  const params: Record<string, string> = {};
  for (const [key, value] of url.searchParams) params[key] = value;
  if (req.method === "GET" || req.method === "HEAD") return params;
  const text = await readBody(req);
  if (!text.trim()) return params;
  const type = String(req.headers["content-type"] ?? "");
  if (type.includes("json") || /^\s*\{/.test(text)) {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
        if (value === null || value === undefined) continue;
        params[key] = Array.isArray(value) ? value.map(String).join(",") : String(value);
      }
    }
    return params;
  }
  for (const [key, value] of new URLSearchParams(text)) params[key] = value;
  return params;
}

/**
 * The shop a browser-facing request is for: the X-Emulated-Shop header (set by the app's redirected fetch), else
 * the `shop` query parameter (a browser has no header), else the default shop.
 */
export function shopForBrowser(ctx: EmulatorContext, req: IncomingMessage, url: URL): EmuShop | undefined {
  const header = req.headers["x-emulated-shop"];
  if (header) return ctx.shopFor(req.headers);
  const fromQuery = url.searchParams.get("shop");
  if (fromQuery) return ctx.shops.get(fromQuery);
  return ctx.shops.get(DEFAULT_SHOP) ?? ctx.shopFor(req.headers);
}
