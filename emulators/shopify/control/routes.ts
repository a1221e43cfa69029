/**
 * The `/_emulator` control API of the core (documented in ../README.md): health, tokens, deliveries, shops,
 * records (emitting the matching webhooks), faults and bulk operation files.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import type { EmuShop, EmulatorContext } from "../model";
import { DEFAULT_SHOP } from "../model";
import { ControlError as HttpError } from "../webhooks/control-error";
import { handleRecordRoute } from "./records";
import type { ControlState } from "./state";
import { readJsonObject as readJsonBody, sendJson } from "../../shared/http";

function shopOr404(ctx: EmulatorContext, domain: string): EmuShop {
  const shop = ctx.shops.get(domain);
  if (!shop) throw new HttpError(404, `Unknown shop ${domain}`);
  return shop;
}

/** Handles the core's `/_emulator/*` routes; false when the path is not one of them. */
export async function handleControlRoute(
  ctx: EmulatorContext,
  state: ControlState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  const path = url.pathname;
  if (!path.startsWith("/_emulator/")) return false;
  try {
    return await route(ctx, state, req, res, url, path);
  } catch (error) {
    const status = error instanceof HttpError ? error.status : 400;
    sendJson(res, status, { error: (error as Error).message });
    return true;
  }
}

async function route(
  ctx: EmulatorContext,
  state: ControlState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: string,
): Promise<boolean> {
  const method = req.method ?? "GET";
  if (path === "/_emulator/health" && method === "GET") {
    sendJson(res, 200, {
      status: "ok",
      platform: "shopify",
      shops: [...ctx.shops.values()].map((s) => ({
        domain: s.domain,
        customers: s.customers.size,
        orders: s.orders.size,
        products: s.products.size,
      })),
    });
    return true;
  }
  if (path === "/_emulator/clock" && method === "GET") {
    sendJson(res, 200, { now: ctx.now().toISOString(), timeScale: state.timeScale });
    return true;
  }
  if (path === "/_emulator/tokens" && method === "POST") {
    const body = await readJsonBody(req);
    const shop = typeof body.shop === "string" ? body.shop : DEFAULT_SHOP;
    shopOr404(ctx, shop);
    const scopes = Array.isArray(body.scopes) ? body.scopes.map(String) : ctx.app.scopes;
    const issued = ctx.tokens.issue({
      shop,
      scopes,
      kind: body.kind === "online" ? "online" : "offline",
      expiresInS: typeof body.expiresInS === "number" ? body.expiresInS : undefined,
    });
    sendJson(res, 200, { access_token: issued.accessToken, scope: issued.info.scopes.join(",") });
    return true;
  }
  if (path === "/_emulator/requests" && method === "GET") {
    const shop = url.searchParams.get("shop") ?? undefined;
    sendJson(res, 200, { requests: state.graphqlLog.ofShop(shop) });
    return true;
  }
  if (path === "/_emulator/requests" && method === "DELETE") {
    state.graphqlLog.clear();
    sendJson(res, 200, { cleared: true });
    return true;
  }
  if (path === "/_emulator/deliveries" && method === "GET") {
    sendJson(res, 200, ctx.webhooks.deliveries());
    return true;
  }
  if (path === "/_emulator/shops" && method === "GET") {
    sendJson(
      res,
      200,
      [...ctx.shops.values()].map((s) => ({
        domain: s.domain,
        name: s.name,
        plan: s.plan,
        installed: s.installed,
      })),
    );
    return true;
  }
  if (path === "/_emulator/shops" && method === "POST") {
    const body = await readJsonBody(req);
    const domain = String(body.domain ?? "");
    if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(domain))
      throw new HttpError(400, "domain must look like name.myshopify.com");
    if (ctx.shops.has(domain)) throw new HttpError(409, `Shop ${domain} already exists`);
    const shop = state.createShop(domain, body.seeded !== false);
    sendJson(res, 201, {
      domain: shop.domain,
      customers: shop.customers.size,
      orders: shop.orders.size,
      products: shop.products.size,
    });
    return true;
  }
  const reset = /^\/_emulator\/shops\/([^/]+)\/reset$/.exec(path);
  if (reset && method === "POST") {
    shopOr404(ctx, reset[1]);
    const body = await readJsonBody(req);
    ctx.shops.delete(reset[1]);
    const shop = state.createShop(reset[1], body.seeded !== false);
    state.resetBuckets();
    sendJson(res, 200, {
      domain: shop.domain,
      customers: shop.customers.size,
      orders: shop.orders.size,
      products: shop.products.size,
    });
    return true;
  }
  if (await handleRecordRoute(ctx, req, res, url)) return true;
  if (path === "/_emulator/faults/throttle" && method === "POST") {
    const body = await readJsonBody(req);
    if (typeof body.maximumAvailable === "number") state.throttle.maximumAvailable = body.maximumAvailable;
    if (typeof body.restoreRate === "number") state.throttle.restoreRate = body.restoreRate;
    if (body.actualCost === "observed" || body.actualCost === "documented")
      state.cost.actual = body.actualCost;
    state.resetBuckets();
    if (typeof body.currentlyAvailable === "number") {
      state
        .bucketFor(shopOr404(ctx, typeof body.shop === "string" ? body.shop : DEFAULT_SHOP))
        .setAvailable(body.currentlyAvailable);
    }
    sendJson(res, 200, {
      maximumAvailable: state.throttle.maximumAvailable,
      restoreRate: state.throttle.restoreRate ?? null,
      actualCost: state.cost.actual,
    });
    return true;
  }
  if (path === "/_emulator/faults/http-429" && method === "POST") {
    const body = await readJsonBody(req);
    const shop = typeof body.shop === "string" ? body.shop : DEFAULT_SHOP;
    shopOr404(ctx, shop);
    state.http429.set(shop, {
      remaining: Number(body.count ?? 1),
      retryAfterS: Number(body.retryAfterS ?? 2),
    });
    sendJson(res, 200, { shop, ...state.http429.get(shop) });
    return true;
  }
  if (path === "/_emulator/faults/http-5xx" && method === "POST") {
    const body = await readJsonBody(req);
    const shop = typeof body.shop === "string" ? body.shop : DEFAULT_SHOP;
    shopOr404(ctx, shop);
    const status = Number(body.status ?? 503);
    if (!Number.isInteger(status) || status < 500 || status > 599)
      throw new HttpError(400, "status must be a 5xx status");
    const operations = Array.isArray(body.operations) ? body.operations.map(String) : undefined;
    state.http5xx.set(shop, {
      remaining: Number(body.count ?? 1),
      status,
      ...(operations ? { operations } : {}),
    });
    sendJson(res, 200, { shop, ...state.http5xx.get(shop) });
    return true;
  }
  if (path === "/_emulator/faults/hang" && method === "POST") {
    const body = await readJsonBody(req);
    const shop = typeof body.shop === "string" ? body.shop : DEFAULT_SHOP;
    shopOr404(ctx, shop);
    state.hang.set(shop, { remaining: Number(body.count ?? 1) });
    sendJson(res, 200, { shop, ...state.hang.get(shop) });
    return true;
  }
  if (path === "/_emulator/faults/bulk-download" && method === "POST") {
    const body = await readJsonBody(req);
    const afterBytes = Number(body.afterBytes ?? 0);
    if (!Number.isInteger(afterBytes) || afterBytes < 0)
      throw new HttpError(400, "afterBytes must be a whole number");
    const mode = body.mode === "end" ? "end" : "drop";
    state.bulkDownload = { remaining: Number(body.count ?? 1), afterBytes, mode };
    sendJson(res, 200, state.bulkDownload);
    return true;
  }
  if (path === "/_emulator/faults" && method === "DELETE") {
    state.http429.clear();
    state.http5xx.clear();
    state.hang.clear();
    state.bulkDownload = null;
    sendJson(res, 200, { cleared: true });
    return true;
  }
  if (path === "/_emulator/tokens/revoke" && method === "POST") {
    // The merchant (or Shopify) revoked the app's access: every token of the shop stops working, refresh too.
    const body = await readJsonBody(req);
    const shop = typeof body.shop === "string" ? body.shop : DEFAULT_SHOP;
    shopOr404(ctx, shop);
    ctx.tokens.revokeShop(shop);
    sendJson(res, 200, { shop, revoked: true });
    return true;
  }
  if (path === "/_emulator/faults/bulk" && method === "POST") {
    const body = await readJsonBody(req);
    const shop = typeof body.shop === "string" ? body.shop : DEFAULT_SHOP;
    shopOr404(ctx, shop);
    const errorCode = (body.errorCode ?? "INTERNAL_SERVER_ERROR") as
      "INTERNAL_SERVER_ERROR" | "TIMEOUT" | "ACCESS_DENIED";
    state.bulk.injectFailure(shop, { errorCode, afterObjects: Number(body.afterObjects ?? 0) });
    sendJson(res, 200, { shop, errorCode, afterObjects: Number(body.afterObjects ?? 0) });
    return true;
  }
  if (path === "/_emulator/app" && (method === "GET" || method === "POST")) {
    // App-level switches; today protected customer data approval.
    if (method === "POST") {
      const body = await readJsonBody(req);
      if (body.protectedCustomerDataApproved !== undefined) {
        if (typeof body.protectedCustomerDataApproved !== "boolean")
          throw new HttpError(400, "protectedCustomerDataApproved must be true or false");
        ctx.app.protectedCustomerDataApproved = body.protectedCustomerDataApproved;
      }
    }
    sendJson(res, 200, {
      apiKey: ctx.app.apiKey,
      appUrl: ctx.app.appUrl,
      scopes: ctx.app.scopes,
      protectedCustomerDataApproved: ctx.app.protectedCustomerDataApproved !== false,
    });
    return true;
  }
  if (path === "/_emulator/strict" && method === "POST") {
    const body = await readJsonBody(req);
    state.strict = body.strict !== false;
    sendJson(res, 200, { strict: state.strict });
    return true;
  }
  if (/^\/_emulator\/bulk\/\d+(\.partial)?\.jsonl$/.test(path) && method === "GET") {
    const file = state.bulk.open(path, url.searchParams);
    if (!("stream" in file)) {
      res.writeHead(file.status, { "Content-Type": file.contentType });
      res.end(file.body);
      return true;
    }
    res.writeHead(200, { "Content-Type": "application/jsonl" });
    const cut = state.bulkDownload;
    if (cut && cut.remaining > 0) {
      cut.remaining -= 1;
      if (cut.remaining === 0) state.bulkDownload = null;
      truncated(file.stream, res, cut.afterBytes, cut.mode);
    } else file.stream.pipe(res);
    await new Promise<void>((resolve) => res.on("close", () => resolve()));
    return true;
  }
  const expire = /^\/_emulator\/bulk\/(\d+)\/expire$/.exec(path);
  if (expire && method === "POST") {
    if (!state.bulk.expireUrls(BigInt(expire[1]))) throw new HttpError(404, "No such bulk operation");
    sendJson(res, 200, { id: expire[1], urlsExpired: true });
    return true;
  }
  void url;
  return false;
}

/** Sends the first `afterBytes` bytes of `stream`, then cuts the connection ("drop") or ends the file there ("end"). */
function truncated(stream: Readable, res: ServerResponse, afterBytes: number, mode: "drop" | "end"): void {
  let sent = 0;
  stream.on("data", (chunk: Buffer) => {
    if (sent >= afterBytes) return;
    const part = chunk.subarray(0, afterBytes - sent);
    sent += part.length;
    res.write(part);
    if (sent >= afterBytes) {
      stream.destroy();
      if (mode === "end") res.end();
      else res.destroy();
    }
  });
  stream.on("end", () => res.end());
}
