/**
 * The `/_emulator` control API of the core (documented in ../README.md): health, tokens, deliveries, shops,
 * records (emitting the matching webhooks), faults and bulk operation files.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmuCustomer, EmuOrder, EmuProduct, EmuShop, EmulatorContext } from "../model";
import { DEFAULT_SHOP } from "../model";
import type { BulkOperations } from "../bulk/bulk-operations";
import { deleteRecord, nextId, putRecord } from "../seed/store";
import { customerToRest, orderToRest, productToRest } from "../webhooks/rest-bodies";
import type { LeakyBucket } from "../graphql/throttle";
import { readJsonBody, sendJson } from "./http";

export interface ControlState {
  strict: boolean;
  throttle: { maximumAvailable: number; restoreRate?: number };
  /** Injected REST-style 429s per shop. */
  http429: Map<string, { remaining: number; retryAfterS: number }>;
  seed: number;
  counts: { customers: number; orders: number; products: number };
  bucketFor(shop: EmuShop): LeakyBucket;
  resetBuckets(): void;
  createShop(domain: string, seeded: boolean): EmuShop;
  bulk: BulkOperations;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const RESOURCES = {
  customers: { topic: "customers", toRest: customerToRest, deleteTopic: "customers/delete" },
  orders: { topic: "orders", toRest: orderToRest, deleteTopic: "orders/delete" },
  products: { topic: "products", toRest: productToRest, deleteTopic: "products/delete" },
} as const;
type ResourceName = keyof typeof RESOURCES;

/** Revives JSON input into a record: ISO strings → Date for *At fields, numeric strings → bigint for ids. */
function revive(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (/At$/.test(key) && typeof value === "string") out[key] = new Date(value);
    else if (
      /(^id|Id)$/.test(key) &&
      (typeof value === "string" || typeof value === "number") &&
      /^\d+$/.test(String(value))
    )
      out[key] = BigInt(value);
    else if (key === "lineItems" && Array.isArray(value))
      out[key] = value.map((v) => revive(v as Record<string, unknown>));
    else if (key === "variants" && Array.isArray(value))
      out[key] = value.map((v) => revive(v as Record<string, unknown>));
    else if (key === "refunds" && Array.isArray(value))
      out[key] = value.map((v) => revive(v as Record<string, unknown>));
    else if (key === "emailConsent" && value && typeof value === "object")
      out[key] = revive(value as Record<string, unknown>);
    else out[key] = value;
  }
  return out;
}

function defaults(resource: ResourceName, shop: EmuShop, now: Date): Record<string, unknown> {
  const base = { createdAt: now, updatedAt: now };
  if (resource === "customers") {
    return {
      ...base,
      firstName: null,
      lastName: null,
      email: null,
      phone: null,
      tags: [],
      note: null,
      state: "DISABLED",
      verifiedEmail: false,
      emailConsent: null,
      defaultAddress: null,
      currency: shop.currencyCode,
    };
  }
  if (resource === "products") {
    return {
      ...base,
      title: "Untitled",
      handle: "untitled",
      descriptionHtml: "",
      vendor: shop.name,
      productType: "",
      status: "ACTIVE",
      tags: [],
      variants: [],
      publishedAt: null,
    };
  }
  const number = 1001 + shop.orders.size;
  return {
    ...base,
    name: `#${number}`,
    number,
    email: null,
    phone: null,
    customerId: null,
    currency: shop.currencyCode,
    presentmentCurrency: shop.currencyCode,
    subtotalPrice: "0.00",
    totalTax: "0.00",
    totalShipping: "0.00",
    totalDiscounts: "0.00",
    totalPrice: "0.00",
    financialStatus: "PAID",
    fulfillmentStatus: "UNFULFILLED",
    tags: [],
    note: null,
    lineItems: [],
    refunds: [],
    test: false,
    cancelledAt: null,
    cancelReason: null,
    closedAt: null,
    processedAt: now,
  };
}

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
  const records = /^\/_emulator\/shops\/([^/]+)\/(customers|orders|products)(?:\/(\d+))?$/.exec(path);
  if (records) {
    const shop = shopOr404(ctx, records[1]);
    const resource = records[2] as ResourceName;
    const map = shop[resource] as Map<bigint, EmuCustomer | EmuOrder | EmuProduct>;
    const spec = RESOURCES[resource];
    const emit = (topic: string, body: unknown) => ctx.webhooks.emit({ shop: shop.domain, topic, body });
    const id = records[3] ? BigInt(records[3]) : null;
    if (id === null && method === "POST") {
      const body = revive(await readJsonBody(req));
      const record = {
        ...defaults(resource, shop, ctx.now()),
        ...body,
        id: (body.id as bigint | undefined) ?? nextId(shop),
      } as never;
      putRecord(map, record);
      emit(`${spec.topic}/create`, (spec.toRest as (s: EmuShop, r: never) => unknown)(shop, record));
      sendJson(res, 201, { id: (record as { id: bigint }).id.toString() });
      return true;
    }
    if (id !== null) {
      const existing = map.get(id);
      if (!existing) throw new HttpError(404, `No ${resource.slice(0, -1)} ${id} in ${shop.domain}`);
      if (method === "GET") {
        sendJson(res, 200, existing);
        return true;
      }
      if (method === "PUT" || method === "PATCH") {
        const body = revive(await readJsonBody(req));
        const record = {
          ...existing,
          ...body,
          id,
          updatedAt: (body.updatedAt as Date | undefined) ?? ctx.now(),
        } as never;
        putRecord(map, record);
        emit(
          resource === "orders" ? "orders/updated" : `${spec.topic}/update`,
          (spec.toRest as (s: EmuShop, r: never) => unknown)(shop, record),
        );
        sendJson(res, 200, { id: id.toString() });
        return true;
      }
      if (method === "DELETE") {
        deleteRecord(map, id);
        emit(spec.deleteTopic, { id });
        sendJson(res, 200, { deleted: id.toString() });
        return true;
      }
    }
  }
  if (path === "/_emulator/faults/throttle" && method === "POST") {
    const body = await readJsonBody(req);
    if (typeof body.maximumAvailable === "number") state.throttle.maximumAvailable = body.maximumAvailable;
    if (typeof body.restoreRate === "number") state.throttle.restoreRate = body.restoreRate;
    state.resetBuckets();
    if (typeof body.currentlyAvailable === "number") {
      state
        .bucketFor(shopOr404(ctx, typeof body.shop === "string" ? body.shop : DEFAULT_SHOP))
        .setAvailable(body.currentlyAvailable);
    }
    sendJson(res, 200, {
      maximumAvailable: state.throttle.maximumAvailable,
      restoreRate: state.throttle.restoreRate ?? null,
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
    file.stream.pipe(res);
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
