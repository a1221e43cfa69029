/**
 * WooCommerce webhooks end to end, the delivery guarantees: ingest answers 401 to a forged signature and stores a
 * repeated delivery once, an older body never overwrites newer data, and the reconcile job repairs a webhook the
 * store disabled after failed deliveries and fills the gap. On SQLite and PostgreSQL. What the events do is in
 * woocommerce-webhooks.test.ts.
 */
import { createHmac } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { WooEmulator } from "../../emulators/woocommerce/server";
import { openWebhookSecret } from "../../app/crypto/integration-secrets.server";
import type { JobHandlers } from "../../app/jobs/types";
import type { AppDb } from "../../app/sync/platform";
import { DATABASE_KINDS } from "../setup/db";
import { jobCtx, keyring, useWooWebhooks } from "./woocommerce-webhooks-fixture";

/** The headers of a recorded delivery that a client may resend (X-WC-*, content type). */
function wcHeaders(recorded: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(recorded).filter(([k]) => k.startsWith("x-wc-") || k === "content-type"),
  );
}

describe.each(DATABASE_KINDS)("WooCommerce webhook delivery end to end on %s", (kind) => {
  const fixture = useWooWebhooks(kind);
  const { queued, deliverAndProcess } = fixture;
  let db: AppDb;
  let woo: WooEmulator;
  let app: (typeof fixture)["app"];
  let integrationId: string;
  let handlers: JobHandlers;
  beforeAll(() => void ({ db, woo, app, integrationId, handlers } = fixture));

  it("answers 401 to a bad signature and stores nothing; stores a duplicate delivery once", async () => {
    const before = await db.webhookEvent.count();
    const body = Buffer.from(
      JSON.stringify({ id: 999999, email: "x@example.test", date_modified_gmt: "2026-11-01T00:00:00" }),
    );
    const send = (signature: string) =>
      fetch(`${app.url}/api/webhooks/woocommerce?integration=${integrationId}`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-WC-Webhook-Topic": "customer.updated",
          "X-WC-Webhook-Signature": signature,
        },
        body,
      });
    const forged = await send(createHmac("sha256", "not-the-secret").update(body).digest("base64"));
    expect(forged.status).toBe(401);
    expect(await db.webhookEvent.count()).toBe(before);

    // A real delivery sent twice by the store (same bytes): one event.
    const product = [...woo.store.products.values()].find((p) => p.status === "publish")!;
    woo.store.updateProduct(product.id, { name: "Twice" });
    await woo.flushDeliveries();
    const delivered = woo.deliveries.log
      .filter((d) => d.kind === "webhook" && d.resource_id === product.id)
      .at(-1)!;
    const again = await fetch(`${app.url}/api/webhooks/woocommerce?integration=${integrationId}`, {
      method: "POST",
      headers: wcHeaders(delivered.request_headers),
      body: delivered.request_body,
    });
    expect(again.status).toBe(200);
    expect(
      await db.webhookEvent.count({ where: { integrationId, resourceId: `product:${product.id}` } }),
    ).toBe(1);
    await deliverAndProcess();
  });

  it("never lets an older body overwrite newer data", async () => {
    const order = [...woo.store.orders.values()].find((o) => o.status === "on-hold")!;
    woo.advanceClock(2_000);
    woo.store.updateOrder(order.id, { status: "processing" });
    await woo.flushDeliveries();
    const older = woo.deliveries.log
      .filter((d) => d.topic === "order.updated" && d.resource_id === order.id)
      .at(-1)!;
    woo.advanceClock(2_000);
    woo.store.updateOrder(order.id, { status: "completed" });
    await deliverAndProcess();
    // The older delivery arrives late (a retry, a slow queue) with a new signature: it must not win.
    expect(JSON.parse(older.request_body).status).toBe("processing");
    // Same content, other bytes (another encoder), correctly signed: a new event, not a duplicate.
    const body = JSON.stringify(JSON.parse(older.request_body));
    const row0 = await db.integration.findUniqueOrThrow({ where: { id: integrationId } });
    const secret = openWebhookSecret(keyring, integrationId, row0.webhookSecret!);
    const replay = await fetch(`${app.url}/api/webhooks/woocommerce?integration=${integrationId}`, {
      method: "POST",
      headers: {
        ...wcHeaders(older.request_headers),
        "x-wc-webhook-signature": createHmac("sha256", secret).update(body).digest("base64"),
      },
      body,
    });
    expect(replay.status).toBe(200);
    expect(queued).toHaveLength(1);
    await deliverAndProcess();
    const event = await db.webhookEvent.findFirstOrThrow({
      where: { integrationId, resourceId: `order:${order.id}` },
      orderBy: { receivedAt: "desc" },
    });
    expect(event.status).toBe("processed");
    const row = await db.order.findFirstOrThrow({ where: { integrationId, externalId: String(order.id) } });
    expect(row.fulfillmentStatus).toBe("fulfilled");
  });

  it("repairs a webhook the store disabled after failed deliveries, and the reconcile fills the gap", async () => {
    app.state.failWith = 500;
    const customers = [...woo.store.customers.values()].slice(1, 9);
    for (const c of customers) {
      woo.advanceClock(1_000);
      woo.store.updateCustomer(c.id, { first_name: `Missed${c.id}` });
      await woo.flushDeliveries();
    }
    const hook = [...woo.store.webhooks.values()].find(
      (w) => w.topic === "customer.updated" && w.deliveryUrl.includes(integrationId),
    )!;
    expect(hook.status).toBe("disabled");
    app.state.failWith = 0;
    queued.length = 0;

    const result = (await handlers.reconcile!({ integrationId }, jobCtx("reconcile"))) as {
      webhooks?: { repaired: number };
    };
    expect(result.webhooks?.repaired).toBeGreaterThanOrEqual(1);
    expect(woo.store.webhooks.get(hook.id)!.status).toBe("active");
    const integration = await db.integration.findUniqueOrThrow({ where: { id: integrationId } });
    expect(integration.webhookHealth).toMatchObject({
      gapSuspected: true,
      repaired: expect.arrayContaining([
        { topic: "customer.updated", action: "reactivated", reason: "was disabled" },
      ]),
    });
    for (const c of customers) {
      const contact = await db.contact.findFirstOrThrow({ where: { email: c.email.toLowerCase() } });
      expect(contact.firstName).toBe(`Missed${c.id}`);
    }
  });
});
