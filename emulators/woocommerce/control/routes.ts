/**
 * The control API under `/_emulator/` (JSON, no authentication): health, API keys, the delivery log and queue,
 * faults, reset, the clock, the key approval mode, latency and load, and record mutations (records.ts).
 */
import type http from "node:http";
import { readJsonObject, sendJson } from "../../shared/http";
import type { AnonymousRest, WcAuthMode, WooEmulatorContext } from "../context";
import { RestError } from "../errors";
import { WC_VERSION, WP_VERSION } from "../render/common";
import { renderWebhook } from "../render/webhook";
import type { KeyPermissions } from "../store/records";
import { ControlError, parseFault } from "./faults";
import { controlRecords, type ControlResult } from "./records";

type Body = Record<string, unknown>;
type Query = Record<string, string>;

function health(ctx: WooEmulatorContext): unknown {
  const { store } = ctx;
  return {
    status: "ok",
    platform: "woocommerce",
    woocommerce_version: WC_VERSION,
    wordpress_version: WP_VERSION,
    url: ctx.siteUrl,
    seed: ctx.seed,
    counts: {
      customers: store.customers.size,
      orders: store.orders.size,
      products: store.products.size,
      variations: store.variations.size,
    },
    now: new Date(ctx.clock.now()).toISOString(),
  };
}

function keys(ctx: WooEmulatorContext, method: string, route: string, body: Body): ControlResult | undefined {
  if (route === "/keys" && method === "POST") {
    const permissions = String(body.permissions ?? "read_write");
    if (!["read", "write", "read_write"].includes(permissions))
      throw new ControlError('permissions must be "read", "write" or "read_write"');
    const key = ctx.store.createKey(
      permissions as KeyPermissions,
      String(body.description ?? "Emulator key"),
    );
    const created = { key_id: key.keyId, consumer_key: key.consumerKey, consumer_secret: key.consumerSecret };
    return { status: 201, body: { ...created, permissions } };
  }
  if (route === "/keys" && method === "GET") {
    const list = [...ctx.store.keys.values()].map((k) => ({
      key_id: k.keyId,
      description: k.description,
      permissions: k.permissions,
      truncated_key: k.consumerKey.slice(-7),
      last_access: k.lastAccessMs === null ? null : new Date(k.lastAccessMs).toISOString(),
    }));
    return { status: 200, body: list };
  }
  const m = /^\/keys\/([^/]+)$/.exec(route);
  if (m && method === "DELETE") {
    const ident = decodeURIComponent(m[1]);
    const removed = /^\d+$/.test(ident)
      ? ctx.store.deleteKeyById(Number(ident))
      : ctx.store.keys.delete(ident);
    return removed
      ? { status: 200, body: { revoked: true } }
      : { status: 404, body: { error: "No such key." } };
  }
  return undefined;
}

async function deliveries(
  ctx: WooEmulatorContext,
  method: string,
  route: string,
  query: Query,
): Promise<ControlResult | undefined> {
  const queue = ctx.deliveries;
  if (route === "/deliveries" && method === "GET") {
    const webhookId = query.webhook_id ? Number(query.webhook_id) : null;
    return { status: 200, body: queue.log.filter((d) => webhookId === null || d.webhook_id === webhookId) };
  }
  if (route === "/deliveries" && method === "DELETE") {
    queue.log = [];
    return { status: 200, body: { cleared: true } };
  }
  if (route === "/deliveries/pending" && method === "GET") {
    const pending = queue.pending.map((p) => ({
      webhook_id: p.webhookId,
      topic: p.topic,
      resource_id: p.resourceId,
      enqueued_at: new Date(p.enqueuedMs).toISOString(),
      due_at: new Date(p.dueMs).toISOString(),
    }));
    return { status: 200, body: pending };
  }
  if (route === "/deliveries/flush" && method === "POST")
    return { status: 200, body: { sent: await queue.flush() } };
  if (route === "/deliveries/run-due" && method === "POST")
    return { status: 200, body: { sent: await queue.runDue() } };
  if (route === "/webhooks" && method === "GET") {
    const list = [...ctx.store.webhooks.values()].map((w) => ({
      ...renderWebhook(w, ctx.render),
      failure_count: w.failureCount,
    }));
    return { status: 200, body: list };
  }
  return undefined;
}

function nonNegativeNumber(value: unknown, name: string): number {
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n) || n < 0)
    throw new ControlError(`${name} must be a number ≥ 0`);
  return n;
}

/** Settings: faults, reset, clock, key approval mode, latency and load. */
function settings(
  ctx: WooEmulatorContext,
  method: string,
  route: string,
  body: Body,
): ControlResult | undefined {
  if (route === "/faults" && method === "GET") return { status: 200, body: ctx.faults.list() };
  if (route === "/faults" && method === "POST") {
    ctx.faults.add(parseFault(body));
    return { status: 201, body: ctx.faults.list() };
  }
  if (route === "/faults" && method === "DELETE") {
    ctx.faults.clear();
    return { status: 200, body: ctx.faults.list() };
  }
  if (route === "/reset" && method === "POST") {
    ctx.seed = body.seed === undefined ? ctx.config.defaultSeed : Number(body.seed);
    ctx.counts = {
      customers: body.customers === undefined ? ctx.counts.customers : Number(body.customers),
      orders: body.orders === undefined ? ctx.counts.orders : Number(body.orders),
      products: body.products === undefined ? ctx.counts.products : Number(body.products),
    };
    ctx.store.clear();
    ctx.deliveries.clear();
    ctx.faults.clear();
    ctx.lists.clear();
    ctx.store.seed(ctx.seed, ctx.counts, ctx.config.seedEndMs);
    return { status: 200, body: { seed: ctx.seed, counts: ctx.counts } };
  }
  const clock = () => ({ now: new Date(ctx.clock.now()).toISOString(), offset_ms: ctx.clockOffsetMs });
  if (route === "/clock" && method === "GET") return { status: 200, body: clock() };
  if (route === "/clock" && method === "POST") {
    const advanceMs = Number(body.advanceMs ?? body.advance_ms ?? 0);
    if (!Number.isFinite(advanceMs)) throw new ControlError("advanceMs must be a number");
    ctx.clockOffsetMs += advanceMs;
    return { status: 200, body: clock() };
  }
  if (route === "/wc-auth" && method === "POST") {
    const mode = String(body.mode);
    if (!["prompt", "approve", "deny"].includes(mode))
      throw new ControlError('mode must be "prompt", "approve" or "deny"');
    ctx.wcAuthMode = mode as WcAuthMode;
    return { status: 200, body: { mode } };
  }
  if (route === "/rest-access" && method === "GET")
    return { status: 200, body: { anonymous: ctx.anonymousRest } };
  if (route === "/rest-access" && method === "POST") {
    const anonymous = String(body.anonymous);
    if (!["open", "not-logged-in", "disabled"].includes(anonymous))
      throw new ControlError('anonymous must be "open", "not-logged-in" or "disabled"');
    ctx.anonymousRest = anonymous as AnonymousRest;
    return { status: 200, body: { anonymous } };
  }
  if (route === "/latency" && method === "GET")
    return { status: 200, body: { latency_ms: ctx.load.latencyMs } };
  if (route === "/latency" && method === "POST") {
    ctx.load.latencyMs = nonNegativeNumber(body.latency_ms ?? body.latencyMs, "latency_ms");
    return { status: 200, body: { latency_ms: ctx.load.latencyMs } };
  }
  if (route === "/concurrency" && method === "GET") return { status: 200, body: ctx.load.snapshot() };
  if (
    (route === "/concurrency/reset" && method === "POST") ||
    (route === "/concurrency" && method === "DELETE")
  ) {
    ctx.load.reset();
    return { status: 200, body: ctx.load.snapshot() };
  }
  if (route === "/requests" && method === "GET")
    return { status: 200, body: { requests: ctx.load.requestLog() } };
  if (route === "/requests" && method === "DELETE") {
    ctx.load.clearRequests();
    return { status: 200, body: { requests: [] } };
  }
  return undefined;
}

async function control(
  ctx: WooEmulatorContext,
  method: string,
  route: string,
  body: Body,
  query: Query,
): Promise<ControlResult | undefined> {
  if (route === "/health" && method === "GET") return { status: 200, body: health(ctx) };
  return (
    keys(ctx, method, route, body) ??
    (await deliveries(ctx, method, route, query)) ??
    settings(ctx, method, route, body) ??
    (await controlRecords(ctx, method, route, body, query))
  );
}

/** Answers a `/_emulator/...` request; resolves the HTTP status sent. */
export async function handleControl(
  ctx: WooEmulatorContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  method: string,
): Promise<number> {
  const route = url.pathname.replace(/^\/_emulator/, "").replace(/\/$/, "") || "/";
  let body: Body = {};
  if (method !== "GET" && method !== "HEAD") {
    try {
      body = await readJsonObject(req);
    } catch (error) {
      sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
      return 400;
    }
  }
  try {
    const result = await control(ctx, method, route, body, Object.fromEntries(url.searchParams));
    if (result === undefined) {
      sendJson(res, 404, { error: `No control route ${method} /_emulator${route}` });
      return 404;
    }
    sendJson(res, result.status, result.body);
    return result.status;
  } catch (error) {
    if (error instanceof RestError) {
      sendJson(res, error.status, error.body());
      return error.status;
    }
    if (error instanceof ControlError) {
      sendJson(res, 400, { error: error.message });
      return 400;
    }
    throw error;
  }
}
