/**
 * Control endpoints for webhooks (JSON in, JSON out):
 * - GET/POST/DELETE /_emulator/webhooks/faults        read / merge / clear injected faults
 * - POST /_emulator/webhooks/flush                     send everything due now and wait
 * - POST /_emulator/webhooks/compliance                {shop, topic, customerId?} → compliance webhook
 * - POST /_emulator/webhooks/trigger                   {shop, topic, id?, body?} → any topic
 * - GET  /_emulator/webhooks/subscriptions?shop=       effective subscriptions (GraphQL + TOML)
 * - POST /_emulator/webhooks/reload-toml               re-read shopify.app.toml
 * - POST /_emulator/webhooks/deliveries/clear          empty the delivery log
 * - POST /_emulator/shops/{shop}/uninstall             uninstall the app: revoke tokens, send app/uninstalled
 *                                                      ({"shopRedact": true}: shop/redact 48 h later, scaled)
 * - POST /_emulator/shops/{shop}/install               mark the app installed again
 */
import { randomInt } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { parseGid, type EmulatorContext, type EmuShop } from "../model";
import { readJson, sendJson } from "../auth/http-utils";
import { COMPLIANCE_TOPICS, NO_FAULTS, WebhookDispatcher, type WebhookFaults } from "./dispatcher";
import {
  customerToRest,
  customersDataRequestBody,
  customersRedactBody,
  orderToRest,
  productToRest,
  shopRedactBody,
  shopToRest,
} from "./rest-bodies";

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function dispatcherOf(ctx: EmulatorContext): WebhookDispatcher {
  if (ctx.webhooks instanceof WebhookDispatcher) return ctx.webhooks;
  throw new ControlError(501, "The emulator's webhook dispatcher does not support this control endpoint");
}

function requireShop(ctx: EmulatorContext, domain: unknown): EmuShop {
  if (typeof domain !== "string" || !domain) throw new ControlError(400, "shop is required");
  const shop = ctx.shops.get(domain);
  if (!shop) throw new ControlError(404, `Unknown shop ${domain}`);
  return shop;
}

function parseId(value: unknown): bigint | null {
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === "string") {
    if (/^\d+$/.test(value)) return BigInt(value);
    return parseGid(value)?.id ?? null;
  }
  return null;
}

const FAULT_KEYS: (keyof WebhookFaults)[] = [
  "duplicateRate",
  "duplicateNext",
  "dropRate",
  "dropNext",
  "delayMs",
  "reorderWindow",
];

function parseFaults(input: Record<string, unknown>): Partial<WebhookFaults> {
  const faults: Partial<WebhookFaults> = {};
  for (const key of FAULT_KEYS) {
    const value = input[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new ControlError(400, `${key} must be a non-negative number`);
    }
    if ((key === "duplicateRate" || key === "dropRate") && value > 1) {
      throw new ControlError(400, `${key} must be between 0 and 1`);
    }
    faults[key] = value;
  }
  return faults;
}

/** Shopify sends shop/redact 48 hours after an uninstall. */
export const SHOP_REDACT_DELAY_MS = 48 * 3_600_000;

/**
 * Uninstalls the app from a shop as Shopify does: installed=false, tokens revoked, app/uninstalled sent; with
 * `shopRedact`, shop/redact follows 48 h (emulated, scaled by the dispatcher's timeScale) later.
 */
export function uninstallApp(
  ctx: EmulatorContext,
  shop: EmuShop,
  options: { shopRedact?: boolean } = {},
): number {
  shop.installed = false;
  ctx.tokens.revokeShop(shop.domain);
  const event = { shop: shop.domain, topic: "app/uninstalled", body: shopToRest(shop) };
  if (!(ctx.webhooks instanceof WebhookDispatcher)) {
    ctx.webhooks.emit(event);
    return 0;
  }
  let queued = ctx.webhooks.emitCounted(event);
  if (options.shopRedact) {
    queued += ctx.webhooks.emitCounted(
      { shop: shop.domain, topic: "shop/redact", body: shopRedactBody(shop) },
      { delayMs: SHOP_REDACT_DELAY_MS },
    );
  }
  return queued;
}

/** Builds and queues a compliance webhook. Customer topics need a customer (the first one when not given). */
export function triggerCompliance(
  ctx: EmulatorContext,
  shop: EmuShop,
  topic: string,
  customerId: bigint | null,
): number {
  if (!(COMPLIANCE_TOPICS as readonly string[]).includes(topic)) {
    throw new ControlError(400, `topic must be one of ${COMPLIANCE_TOPICS.join(", ")}`);
  }
  let body: Record<string, unknown>;
  if (topic === "shop/redact") {
    body = shopRedactBody(shop);
  } else {
    const customer =
      customerId === null ? shop.customers.values().next().value : shop.customers.get(customerId);
    if (!customer) throw new ControlError(404, "Customer not found");
    body =
      topic === "customers/redact"
        ? customersRedactBody(shop, customer)
        : customersDataRequestBody(shop, customer, BigInt(randomInt(1, 2 ** 31)));
  }
  return dispatcherOf(ctx).emitCounted({ shop: shop.domain, topic, body });
}

/** Body for a data topic built from the shop's current record (customers/*, orders/*, products/*). */
function bodyForTopic(shop: EmuShop, topic: string, id: bigint): Record<string, unknown> {
  const resource = topic.split("/")[0];
  const missing = () => new ControlError(404, `No ${resource} with id ${id}`);
  if (resource === "customers") {
    const c = shop.customers.get(id);
    if (!c) throw missing();
    return customerToRest(shop, c);
  }
  if (resource === "orders") {
    const o = shop.orders.get(id);
    if (!o) throw missing();
    return orderToRest(shop, o);
  }
  if (resource === "products") {
    const p = shop.products.get(id);
    if (!p) throw missing();
    return productToRest(shop, p);
  }
  throw new ControlError(400, `Cannot build a body for ${topic}; pass "body"`);
}

/** Handles the webhook control API. True when answered. */
export async function handleWebhookControlRoute(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  const path = url.pathname;
  const shopMatch = /^\/_emulator\/shops\/([^/]+)\/(uninstall|install)$/.exec(path);
  if (!path.startsWith("/_emulator/webhooks") && !shopMatch) return false;
  try {
    if (shopMatch) {
      expectMethod(req, "POST");
      const shop = requireShop(ctx, decodeURIComponent(shopMatch[1]));
      if (shopMatch[2] === "install") {
        shop.installed = true;
        sendJson(res, 200, { shop: shop.domain, installed: true });
        return true;
      }
      const input = await readJsonOr400(req);
      const queued = uninstallApp(ctx, shop, { shopRedact: input.shopRedact === true });
      sendJson(res, 200, { shop: shop.domain, installed: false, webhooksQueued: queued });
      return true;
    }
    const dispatcher = dispatcherOf(ctx);
    switch (path) {
      case "/_emulator/webhooks/faults": {
        if (req.method === "GET") {
          sendJson(res, 200, dispatcher.faults());
        } else if (req.method === "DELETE") {
          sendJson(res, 200, dispatcher.setFaults(NO_FAULTS));
        } else {
          expectMethod(req, "POST");
          const input = await readJsonOr400(req);
          const seed = typeof input.seed === "number" ? input.seed : undefined;
          sendJson(res, 200, dispatcher.setFaults(parseFaults(input), seed));
        }
        return true;
      }
      case "/_emulator/webhooks/flush": {
        expectMethod(req, "POST");
        await dispatcher.flush();
        sendJson(res, 200, { ok: true, pending: dispatcher.pendingCount() });
        return true;
      }
      case "/_emulator/webhooks/compliance": {
        expectMethod(req, "POST");
        const input = await readJsonOr400(req);
        const shop = requireShop(ctx, input.shop);
        const customerId = input.customerId === undefined ? null : parseId(input.customerId);
        if (input.customerId !== undefined && customerId === null) {
          throw new ControlError(400, "customerId must be a numeric id or a Customer GID");
        }
        const queued = triggerCompliance(ctx, shop, String(input.topic ?? ""), customerId);
        sendJson(res, 200, { ok: true, webhooksQueued: queued });
        return true;
      }
      case "/_emulator/webhooks/trigger": {
        expectMethod(req, "POST");
        const input = await readJsonOr400(req);
        const shop = requireShop(ctx, input.shop);
        const topic = typeof input.topic === "string" ? input.topic : "";
        if (!/^[a-z_]+\/[a-z_]+$/.test(topic))
          throw new ControlError(400, "topic must look like customers/update");
        let body: unknown = input.body;
        if (body === undefined) {
          const id = parseId(input.id);
          if (id === null) throw new ControlError(400, 'Pass "id" (numeric or GID) or "body"');
          body = bodyForTopic(shop, topic, id);
        }
        const queued = dispatcher.emitCounted({ shop: shop.domain, topic, body });
        sendJson(res, 200, { ok: true, webhooksQueued: queued });
        return true;
      }
      case "/_emulator/webhooks/subscriptions": {
        expectMethod(req, "GET");
        const shop = requireShop(ctx, url.searchParams.get("shop") ?? ctx.shopFor(req.headers)?.domain);
        const toml = dispatcher.tomlConfig;
        const graphql = [...shop.webhookSubscriptions.values()].map((sub) => ({
          id: sub.id.toString(),
          topic: sub.topic,
          url: sub.uri,
          apiVersion: sub.apiVersion,
          source: sub.source,
        }));
        const tomlTopics = new Set(toml.subscriptions.flatMap((sub) => sub.topics));
        const fromToml = [...tomlTopics].flatMap((topic) =>
          dispatcher.subscriptionsFor(shop.domain, topic).filter((sub) => sub.source === "toml"),
        );
        const subscriptions = { graphql, toml: fromToml };
        sendJson(res, 200, { shop: shop.domain, tomlApiVersion: toml.apiVersion, subscriptions });
        return true;
      }
      case "/_emulator/webhooks/reload-toml": {
        expectMethod(req, "POST");
        sendJson(res, 200, dispatcher.reloadToml());
        return true;
      }
      case "/_emulator/webhooks/deliveries/clear": {
        expectMethod(req, "POST");
        dispatcher.clearDeliveries();
        sendJson(res, 200, { ok: true });
        return true;
      }
      default:
        return false;
    }
  } catch (err) {
    if (err instanceof ControlError) {
      sendJson(res, err.status, { error: err.message });
      return true;
    }
    throw err;
  }
}

function expectMethod(req: IncomingMessage, method: string): void {
  if (req.method !== method) throw new ControlError(405, `Use ${method}`);
}

async function readJsonOr400(req: IncomingMessage): Promise<Record<string, unknown>> {
  try {
    return await readJson(req);
  } catch {
    throw new ControlError(400, "The body must be a JSON object");
  }
}
