/**
 * The ingest of WooCommerce deliveries fed exactly what a real WooCommerce 11.0.1 store sent (headers and raw bytes of
 * app/platforms/woocommerce/fixtures/real-11.0.1/webhook-deliveries.json, signed with `whsec-loopback-test`).
 */
import { createHmac, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { keyringFrom } from "../crypto/encryption.server";
import { sealWebhookSecret } from "../crypto/integration-secrets.server";
import { createJobsTestDatabase } from "../jobs/testing/database";
import type { AppDb } from "../sync/platform";
import type { TestDatabase } from "../../tests/setup/db";
import { ingestWooWebhook } from "./woocommerce-webhooks.server";

interface RealDelivery {
  topic: string;
  headers: Record<string, string>;
  body: string;
}
const real = JSON.parse(
  readFileSync(
    new URL("../platforms/woocommerce/fixtures/real-11.0.1/webhook-deliveries.json", import.meta.url),
    "utf8",
  ),
) as { deliveries: RealDelivery[] };
const REAL_SECRET = "whsec-loopback-test";
const keyring = keyringFrom(randomBytes(32).toString("base64"));

describe("WooCommerce webhook ingest of real 11.0.1 deliveries", () => {
  let t: TestDatabase;
  let db: AppDb;
  let integrationId: string;
  const queued: string[] = [];

  const ingest = (delivery: RealDelivery, rawBody = Buffer.from(delivery.body, "utf8")) =>
    ingestWooWebhook(
      { db, keyring, enqueue: async (event) => void queued.push(event.id) },
      // The store's headers exactly as received (Node lower-cases names; the fixture already is).
      { integrationId, headers: new Headers(delivery.headers), rawBody },
    );
  const deliveryOf = (topic: string) => real.deliveries.find((d) => d.topic === topic)!;

  beforeAll(async () => {
    t = await createJobsTestDatabase("sqlite");
    db = t.db as unknown as AppDb;
    const org = await t.db.organization.create({ data: { name: "Org" } });
    integrationId = (
      await t.db.integration.create({
        data: {
          organizationId: org.id,
          platform: "woocommerce",
          name: "Loopback store",
          storeKey: "http://127.0.0.1:8088",
          status: "connected",
        },
      })
    ).id;
    await t.db.integration.update({
      where: { id: integrationId },
      data: { webhookSecret: sealWebhookSecret(keyring, integrationId, REAL_SECRET) },
    });
  });
  afterAll(async () => {
    await t?.cleanup();
  });
  beforeEach(async () => {
    await t.db.webhookEvent.deleteMany();
    queued.length = 0;
  });

  it("answers the creation ping (form body, no X-WC-* headers) 200 and stores nothing", async () => {
    const ping = deliveryOf("ping");
    expect(ping.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(await ingest(ping)).toEqual({ status: 200, body: "pong" });
    expect(await t.db.webhookEvent.count()).toBe(0);
    expect(queued).toEqual([]);
  });

  it("verifies and stores every real signed delivery once, keyed by topic and record", async () => {
    const signed = real.deliveries.filter((d) => d.topic !== "ping");
    expect(signed.map((d) => d.topic).sort()).toEqual([
      "customer.created",
      "order.created",
      "order.deleted",
      "order.updated",
      "product.updated",
    ]);
    for (const delivery of signed) {
      expect(await ingest(delivery), delivery.topic).toEqual({ status: 200, body: "Received." });
    }
    const events = await t.db.webhookEvent.findMany({ orderBy: { topic: "asc" } });
    expect(events.map((e) => [e.topic, e.resourceId, e.payload.length])).toEqual([
      ["customer.created", "customer:6", 1025],
      ["order.created", "order:19", 2612],
      ["order.deleted", "order:16", 9],
      ["order.updated", "order:18", 2322],
      ["product.updated", "product:11", 1948],
    ]);
    // Stored as the exact bytes the signature covered.
    expect(events.find((e) => e.topic === "order.deleted")!.payload).toBe('{"id":16}');
    expect(queued).toHaveLength(5);
  });

  it("stores a repeated versioned body once, but every {id}-only deletion (a restored record deleted again)", async () => {
    const updated = deliveryOf("order.updated");
    const deleted = deliveryOf("order.deleted");
    expect(await ingest(updated)).toEqual({ status: 200, body: "Received." });
    expect(await ingest(updated)).toEqual({ status: 200, body: "Duplicate delivery." });
    expect(await ingest(deleted)).toEqual({ status: 200, body: "Received." });
    expect(await ingest(deleted)).toEqual({ status: 200, body: "Received." });
    expect(await t.db.webhookEvent.count({ where: { topic: "order.updated" } })).toBe(1);
    expect(await t.db.webhookEvent.count({ where: { topic: "order.deleted" } })).toBe(2);
  });

  it("files a delivery about a record whose id is above 2^53 under its exact id (BIGINT UNSIGNED ids)", async () => {
    const delivery = deliveryOf("order.updated");
    const big = "9007199254740993"; // JSON.parse would read 9007199254740992
    const body = delivery.body.replace(/^\{"id":\d+,/, `{"id":${big},`);
    expect(body).not.toBe(delivery.body);
    const signature = createHmac("sha256", REAL_SECRET).update(body, "utf8").digest("base64");
    const signed = {
      ...delivery,
      headers: { ...delivery.headers, "x-wc-webhook-signature": signature },
      body,
    };
    expect(await ingest(signed)).toEqual({ status: 200, body: "Received." });
    const event = await t.db.webhookEvent.findFirstOrThrow({ where: { topic: "order.updated" } });
    expect([event.resourceId, event.payload]).toEqual([`order:${big}`, body]);
  });

  it("refuses a real delivery whose bytes were changed (401) and stores nothing", async () => {
    const delivery = deliveryOf("order.created");
    const tampered = Buffer.from(delivery.body.replace('"total":"117.99"', '"total":"0.01"'), "utf8");
    expect(tampered.equals(Buffer.from(delivery.body))).toBe(false);
    expect(await ingest(delivery, tampered)).toEqual({ status: 401, body: "Invalid signature." });
    expect(await t.db.webhookEvent.count()).toBe(0);
  });
});
