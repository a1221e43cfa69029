/** Small HTTP helpers shared by the auth, webhook-control and admin routes. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { DEFAULT_SHOP, type EmulatorContext, type EmuShop } from "../model";

/** Reads the whole request body as text (bodies here are small: forms and JSON). */
export async function readBody(req: IncomingMessage, maxBytes = 1_000_000): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > maxBytes) throw new Error(`request body exceeds ${maxBytes} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

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

/** Reads a JSON body, or {} when empty. Throws on malformed JSON. */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(req);
  if (!text.trim()) return {};
  const parsed = JSON.parse(text) as unknown;
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    throw new Error("expected a JSON object");
  return parsed as Record<string, unknown>;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body, (_key, value: unknown) =>
    typeof value === "bigint" ? value.toString() : value,
  );
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...headers });
  res.end(text);
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { "Content-Type": "text/html; charset=utf-8" });
  res.end(html);
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { Location: location });
  res.end();
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
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
