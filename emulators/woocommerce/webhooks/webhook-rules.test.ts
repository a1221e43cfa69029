import { createHmac } from "node:crypto";
import http from "node:http";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listen } from "../../shared/http";
import { startWooEmulator, type WooEmulator } from "../server";
import { ManualClock, failure, startReceiver, wooClient } from "../test-helpers";

const sign = (body: string, secret: string) => createHmac("sha256", secret).update(body).digest("base64");

describe("WooCommerce emulator webhook rules of a real 11.0.1 store", () => {
  let emulator: WooEmulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const clock = new ManualClock(Date.now());
  let key: { consumer_key: string; consumer_secret: string };

  beforeAll(async () => {
    emulator = await startWooEmulator({
      counts: { customers: 3, orders: 3, products: 2 },
      clock,
      autoDeliver: false,
      deliveryTimeoutMs: 300,
    });
    key = emulator.createKey("read_write");
  });
  afterAll(() => emulator.close());
  beforeEach(async () => {
    receiver = await startReceiver(200);
  });
  afterEach(async () => {
    for (const webhook of [...emulator.store.webhooks.values()]) emulator.store.deleteWebhook(webhook.id);
    emulator.deliveries.clear();
    await receiver.close();
  });

  const topics = () => receiver.received.filter((r) => r.headers["x-wc-webhook-topic"]);

  // PLATFORM_FACTS ✔ "A webhook's secret is never returned (not on create, read, list or context=edit); created
  // without one, the store makes a hidden one."
  it("never returns a secret, and signs with a hidden 50-character one when none was sent", async () => {
    const client = wooClient(emulator.url, key);
    const created = await client.post("webhooks", { topic: "customer.updated", delivery_url: receiver.url });
    const id = created.data.id as number;
    const bodies = [
      created.data,
      (await client.get(`webhooks/${id}`)).data,
      (await client.get(`webhooks/${id}`, { context: "edit" })).data,
      (await client.get("webhooks", { context: "edit" })).data.find((w: { id: number }) => w.id === id),
      (await client.put(`webhooks/${id}`, { name: "renamed", secret: "changed-secret" })).data,
    ];
    for (const body of bodies) expect(body).not.toHaveProperty("secret");
    const controlView = (await (await fetch(`${emulator.url}/_emulator/webhooks`)).json()) as object[];
    expect(controlView[0]).not.toHaveProperty("secret");

    const other = await client.post("webhooks", { topic: "customer.updated", delivery_url: receiver.url });
    const hidden = emulator.store.webhooks.get(other.data.id)!.secret;
    expect(hidden).toHaveLength(50);
    emulator.store.updateCustomer(2, { first_name: "Signed" });
    await emulator.flushDeliveries();
    const delivery = topics().find((r) => r.headers["x-wc-webhook-id"] === String(other.data.id))!;
    expect(delivery.headers["x-wc-webhook-signature"]).toBe(sign(delivery.body, hidden));
    const renamed = topics().find((r) => r.headers["x-wc-webhook-id"] === String(id))!;
    expect(renamed.headers["x-wc-webhook-signature"]).toBe(sign(renamed.body, "changed-secret"));
  });

  // wc_paying_customer (woocommerce_payment_complete, woocommerce_order_status_completed) saves the customer the first
  // time; fixtures/real-11.0.1/customers-list.json shows paying customers modified after they were created.
  it("saves a customer on their first paid or completed order: date_modified moves and customer.updated is sent", async () => {
    const client = wooClient(emulator.url, key);
    await client.post("webhooks", { topic: "customer.updated", delivery_url: receiver.url });
    const [product] = [...emulator.store.products.values()].filter((p) => p.type === "simple");
    const dateOf = async (id: number) => (await client.get(`customers/${id}`)).data.date_modified_gmt;
    const newCustomer = async (email: string) => {
      const customer = (await client.post("customers", { email })).data as { id: number };
      await emulator.flushDeliveries();
      receiver.received.length = 0;
      clock.advance(5_000);
      return customer;
    };
    const nowGmt = () => new Date(clock.now()).toISOString().slice(0, 19);

    const payer = await newCustomer("first.payment@example.test");
    await client.post("orders", {
      customer_id: payer.id,
      line_items: [{ product_id: product.id, quantity: 1 }],
      set_paid: true,
    });
    expect((await client.get(`customers/${payer.id}`)).data.is_paying_customer).toBe(true);
    expect(await dateOf(payer.id)).toBe(nowGmt());
    await emulator.flushDeliveries();
    expect(topics().map((r) => [r.headers["x-wc-webhook-topic"], JSON.parse(r.body).id])).toEqual([
      ["customer.updated", payer.id],
    ]);

    // Already paying: a second paid order saves nothing.
    receiver.received.length = 0;
    clock.advance(5_000);
    await client.post("orders", { customer_id: payer.id, set_paid: true });
    await emulator.flushDeliveries();
    expect(topics()).toEqual([]);

    // Processing without payment_complete() is not a payment; completing the order is.
    const completer = await newCustomer("completes.later@example.test");
    const order = (await client.post("orders", { customer_id: completer.id, status: "processing" })).data;
    expect((await client.get(`customers/${completer.id}`)).data.is_paying_customer).toBe(false);
    clock.advance(5_000);
    await client.put(`orders/${order.id}`, { status: "completed" });
    const after = (await client.get(`customers/${completer.id}`)).data;
    expect([after.is_paying_customer, after.date_modified_gmt]).toEqual([true, nowGmt()]);
  });

  // PLATFORM_FACTS ✔ "One create fires both *.created and *.updated."
  it("fires *.created and *.updated for one create", async () => {
    const client = wooClient(emulator.url, key);
    for (const topic of ["order.created", "order.updated", "customer.created", "customer.updated"]) {
      await client.post("webhooks", { topic, delivery_url: receiver.url, secret: "s" });
    }
    const order = (await client.post("orders", { billing: { email: "both@example.test" } })).data;
    const customer = (await client.post("customers", { email: "both@example.test" })).data;
    await emulator.flushDeliveries();
    const seen = topics().map((r) => [r.headers["x-wc-webhook-topic"], JSON.parse(r.body).id]);
    expect(seen).toEqual([
      ["order.created", order.id],
      ["order.updated", order.id],
      ["customer.created", customer.id],
      ["customer.updated", customer.id],
    ]);
  });

  // woocommerce/woocommerce#47422 (order.created waits until the order leaves draft) and #66995 (a checkout-draft's
  // saves are still delivered as order.updated).
  it("delivers a block checkout's draft as order.updated only, and order.created once it is placed", async () => {
    const client = wooClient(emulator.url, key);
    for (const topic of ["order.created", "order.updated"]) {
      await client.post("webhooks", { topic, delivery_url: receiver.url, secret: "s" });
    }
    const draft = (
      await client.post("orders", { status: "checkout-draft", billing: { email: "draft@example.test" } })
    ).data;
    await emulator.flushDeliveries();
    await client.put(`orders/${draft.id}`, { billing: { first_name: "Typing" } });
    await emulator.flushDeliveries();
    const seen = () => topics().map((r) => [r.headers["x-wc-webhook-topic"], JSON.parse(r.body).status]);
    expect(seen()).toEqual([
      ["order.updated", "checkout-draft"],
      ["order.updated", "checkout-draft"],
    ]);
    await client.put(`orders/${draft.id}`, { status: "processing" });
    await emulator.flushDeliveries();
    expect(seen().slice(2)).toEqual([
      ["order.created", "processing"],
      ["order.updated", "processing"],
    ]);
  });

  // PLATFORM_FACTS ✔ "Delivery is a blocking HTTP call with a 60 s timeout; a timeout counts as a failure."
  it("counts a delivery that times out as a failure and does not retry it", async () => {
    const silent = http.createServer(() => {
      // Never answers.
    });
    const port = await listen(silent);
    try {
      const webhook = (
        await wooClient(emulator.url, key).post("webhooks", {
          topic: "customer.updated",
          delivery_url: `http://127.0.0.1:${port}/hooks`,
          secret: "s",
        })
      ).data;
      emulator.store.updateCustomer(2, { first_name: "Slow" });
      expect(await emulator.flushDeliveries()).toBe(1);
      const log = emulator.deliveries.log.filter((d) => d.kind === "webhook" && d.webhook_id === webhook.id);
      expect(log).toHaveLength(1);
      expect(log[0]).toMatchObject({ success: false, response_status: null });
      expect(log[0].error).toMatch(/timed out/);
      expect(emulator.store.webhooks.get(webhook.id)!.failureCount).toBe(1);
      expect(emulator.deliveries.pending).toEqual([]);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  // PLATFORM_FACTS ✔ "Disabled on the 7th consecutive failure; re-activating (status: active) resets the count."
  it("resets the failure count when a disabled webhook is re-activated, and delivers again", async () => {
    const client = wooClient(emulator.url, key);
    const webhook = (
      await client.post("webhooks", { topic: "customer.updated", delivery_url: receiver.url, secret: "s" })
    ).data;
    receiver.setStatus(500);
    for (let i = 1; i <= 7; i++) {
      emulator.store.updateCustomer(2, { first_name: `Fail ${i}` });
      await emulator.flushDeliveries();
    }
    expect((await client.get(`webhooks/${webhook.id}`)).data.status).toBe("disabled");
    emulator.store.updateCustomer(2, { first_name: "Missed" });
    expect(emulator.deliveries.pending).toEqual([]);

    receiver.setStatus(200);
    const reactivated = await client.put(`webhooks/${webhook.id}`, { status: "active" });
    expect(reactivated.data.status).toBe("active");
    expect(emulator.store.webhooks.get(webhook.id)!.failureCount).toBe(0);
    receiver.setStatus(500);
    for (let i = 1; i <= 6; i++) {
      emulator.store.updateCustomer(2, { first_name: `Again ${i}` });
      await emulator.flushDeliveries();
    }
    expect((await client.get(`webhooks/${webhook.id}`)).data.status).toBe("active");
  });

  // PLATFORM_FACTS ✔ "Webhook errors are woocommerce_rest_shop_webhook_invalid_id / …_invalid_delivery_url /
  // …_invalid_topic; a missing topic → 400 rest_missing_callback_param."
  it("answers with WooCommerce's own webhook errors", async () => {
    const client = wooClient(emulator.url, key);
    const idIsInvalid = {
      code: "woocommerce_rest_shop_webhook_invalid_id",
      message: "ID is invalid.",
      data: { status: 400 },
    };
    expect((await failure(client.get("webhooks/424242"))).data).toEqual(idIsInvalid);
    expect((await failure(client.put("webhooks/424242", { name: "x" }))).data).toEqual(idIsInvalid);
    const gone = await failure(client.delete("webhooks/424242", { force: true }));
    expect([gone.status, gone.data]).toEqual([
      404,
      { code: "woocommerce_rest_shop_webhook_invalid_id", message: "Invalid ID.", data: { status: 404 } },
    ]);
    const noTrash = await failure(client.delete("webhooks/424242"));
    expect([noTrash.status, (noTrash.data as { code: string }).code]).toEqual([
      501,
      "woocommerce_rest_trash_not_supported",
    ]);
    const badUrl = await failure(
      client.post("webhooks", { topic: "order.created", delivery_url: "ftp://x.test/" }),
    );
    expect(badUrl.data).toEqual({
      code: "woocommerce_rest_shop_webhook_invalid_delivery_url",
      message: "Webhook delivery URL must be a valid URL starting with http:// or https://.",
      data: { status: 400 },
    });
    const noTopic = await failure(client.post("webhooks", { delivery_url: receiver.url }));
    expect(noTopic.data).toEqual({
      code: "rest_missing_callback_param",
      message: "Missing parameter(s): topic",
      data: { status: 400, params: ["topic"] },
    });
    // Arguments are checked before permissions: an anonymous request learns about the missing topic first.
    const anonymous = await fetch(`${emulator.url}/wp-json/wc/v3/webhooks`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "x" }),
    });
    expect(((await anonymous.json()) as { message: string }).message).toBe(
      "Missing parameter(s): topic, delivery_url",
    );
    expect(emulator.store.webhooks.size).toBe(0);
  });

  // OrdersTableDataStore::untrash_order (HPOS) fires woocommerce_untrash_order, then sets the old status and saves the
  // order: the save is an update (woocommerce_update_order), so order.updated goes out beside order.restored.
  it("restoring a trashed order sends order.updated (the untrash saves it) as well as order.restored", async () => {
    const client = wooClient(emulator.url, key);
    for (const topic of ["order.updated", "order.restored"]) {
      await client.post("webhooks", { topic, delivery_url: receiver.url });
    }
    const order = [...emulator.store.orders.values()].find((o) => o.status !== "trash")!;
    const before = order.status;
    await client.delete(`orders/${order.id}`);
    await emulator.flushDeliveries();
    receiver.received.length = 0;
    clock.advance(3_000);
    emulator.store.restoreOrder(order.id);
    await emulator.flushDeliveries();
    const sent = topics().map((r) => [r.headers["x-wc-webhook-topic"], JSON.parse(r.body).status]);
    expect(sent.sort()).toEqual([
      ["order.restored", before],
      ["order.updated", before],
    ]);
  });

  // wp_untrash_post saves the post through wp_update_post (its modified time moves) and WooCommerce's
  // wp_untrash_post_status filter puts the product's old status back; only untrashed_post (product.restored) is a
  // product webhook hook on that path.
  it("restoring a trashed product sends product.restored with its old status and a newer date_modified", async () => {
    const client = wooClient(emulator.url, key);
    for (const topic of ["product.updated", "product.restored"]) {
      await client.post("webhooks", { topic, delivery_url: receiver.url });
    }
    const product = [...emulator.store.products.values()].find((p) => p.status === "publish")!;
    await client.delete(`products/${product.id}`);
    await emulator.flushDeliveries();
    const trashedAt = product.modifiedMs;
    receiver.received.length = 0;
    clock.advance(3_000);
    emulator.store.restoreProduct(product.id);
    await emulator.flushDeliveries();
    const sent = topics().map((r) => {
      const body = JSON.parse(r.body) as { status: string; date_modified_gmt: string };
      return [
        r.headers["x-wc-webhook-topic"],
        body.status,
        Date.parse(`${body.date_modified_gmt}Z`) > trashedAt,
      ];
    });
    expect(sent).toEqual([["product.restored", "publish", true]]);
  });
});
