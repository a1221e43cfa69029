/**
 * App lifecycle events as Shopify sends them: uninstall (app/uninstalled now, the app's API-created webhook
 * subscriptions deleted, shop/redact 48 h later) and the compliance topics, plus bodies for any data topic built
 * from a stored record (the control API's trigger).
 */
import { randomInt } from "node:crypto";
import type { EmulatorContext, EmuShop } from "../model";
import { ControlError } from "./control-error";
import { WebhookDispatcher } from "./dispatcher";
import { COMPLIANCE_TOPICS } from "./subscriptions";
import {
  customerToRest,
  customersDataRequestBody,
  customersRedactBody,
  orderToRest,
  productToRest,
  shopRedactBody,
  shopToRest,
} from "./rest-bodies";

/** Shopify sends shop/redact 48 hours after an uninstall. */
export const SHOP_REDACT_DELAY_MS = 48 * 3_600_000;

/**
 * Uninstalls the app from a shop as Shopify does: installed=false, tokens revoked, the app's API-created webhook
 * subscriptions deleted (a reinstall must create them again), app/uninstalled sent; with `shopRedact`, shop/redact
 * follows 48 h (emulated, scaled by the dispatcher's timeScale) later.
 */
export function uninstallApp(
  ctx: EmulatorContext,
  shop: EmuShop,
  options: { shopRedact?: boolean } = {},
): number {
  shop.installed = false;
  ctx.tokens.revokeShop(shop.domain);
  shop.webhookSubscriptions.clear();
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

/**
 * shop/redact "48 h later", now: sends the one an uninstall scheduled, or — when none is waiting — a new one.
 * Returns how many deliveries went out.
 */
export function shopRedactNow(ctx: EmulatorContext, shop: EmuShop): number {
  const released = dispatcherOf(ctx).releaseDelayed(shop.domain, "shop/redact");
  return released > 0 ? released : triggerCompliance(ctx, shop, "shop/redact", null);
}

export function dispatcherOf(ctx: EmulatorContext): WebhookDispatcher {
  if (ctx.webhooks instanceof WebhookDispatcher) return ctx.webhooks;
  throw new ControlError(501, "The emulator's webhook dispatcher does not support this control endpoint");
}

/** Body for a data topic built from the shop's current record (customers/*, orders/*, products/*). */
export function bodyForTopic(shop: EmuShop, topic: string, id: bigint): Record<string, unknown> {
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
