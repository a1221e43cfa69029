/**
 * The headers of one delivery attempt, as real Shopify deliveries carry them (captures and the 2026-07 webhook
 * docs; see docs/decisions/0054-fidelity-audit-3.md): the seven documented `X-Shopify-*` headers, `X-Shopify-Test`,
 * the record's id on orders and products topics (`X-Shopify-Order-Id`, `X-Shopify-Product-Id`), the subscription's
 * name when it has one (`X-Shopify-Name`), `Accept: *\/*` and Shopify's user agent.
 */
import { createHmac } from "node:crypto";

/** What a delivery's headers are made of; every retry of a delivery sends the same values. */
export interface DeliveryHeaderFacts {
  topic: string;
  shop: string;
  apiVersion: string;
  webhookId: string;
  eventId: string;
  /** `X-Shopify-Triggered-At`, already written (see `triggeredAtStamp`). */
  triggeredAt: string;
  /** The id of the order or product the event is about (exact digits), else null. */
  resourceId: string | null;
  /** The subscription's developer-given name, else null. */
  name: string | null;
  body: string;
}

/**
 * `X-Shopify-Triggered-At` as Shopify writes it: UTC with nine fractional digits and `Z`
 * ("2024-08-03T18:28:37.234647458Z"). The emulator's clock has milliseconds; the six digits below them come from
 * the process's high-resolution clock, so two events of one millisecond still differ, as on Shopify.
 */
export function triggeredAtStamp(at: Date, subMillisecond: bigint = process.hrtime.bigint()): string {
  const belowMs = (subMillisecond % 1_000_000n).toString().padStart(6, "0");
  return `${at.toISOString().slice(0, -1)}${belowMs}Z`;
}

/** `X-Shopify-Order-Id` / `X-Shopify-Product-Id`: the topic's record id, read from the body before it is written. */
export function resourceIdOf(topic: string, body: unknown): string | null {
  if (!/^(orders|products)\//.test(topic)) return null;
  const id = body && typeof body === "object" ? (body as { id?: unknown }).id : undefined;
  return typeof id === "bigint" || typeof id === "number" || typeof id === "string" ? String(id) : null;
}

/** The headers Shopify sends with a delivery, signed with the app's secret. */
export function deliveryHeaders(facts: DeliveryHeaderFacts, apiSecret: string): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    Accept: "*/*",
    "User-Agent": "Shopify-Captain-Hook",
    "X-Shopify-Topic": facts.topic,
    "X-Shopify-Hmac-Sha256": createHmac("sha256", apiSecret).update(facts.body, "utf8").digest("base64"),
    "X-Shopify-Shop-Domain": facts.shop,
    "X-Shopify-API-Version": facts.apiVersion,
    "X-Shopify-Webhook-Id": facts.webhookId,
    "X-Shopify-Event-Id": facts.eventId,
    "X-Shopify-Triggered-At": facts.triggeredAt,
    "X-Shopify-Test": "false",
  };
  if (facts.resourceId !== null) {
    headers[facts.topic.startsWith("orders/") ? "X-Shopify-Order-Id" : "X-Shopify-Product-Id"] =
      facts.resourceId;
  }
  if (facts.name) headers["X-Shopify-Name"] = facts.name;
  return headers;
}
