import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../server";
import { failure, wooClient } from "../test-helpers";

async function postJson(url: string, body: unknown, method = "POST") {
  return fetch(url, { method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

describe("WooCommerce emulator control API and faults", () => {
  let emulator: WooEmulator;
  let key: { consumer_key: string; consumer_secret: string };

  beforeAll(async () => {
    emulator = await startWooEmulator({
      counts: { customers: 6, orders: 8, products: 3 },
      autoDeliver: false,
    });
    key = emulator.createKey("read_write");
  });
  afterAll(() => emulator.close());

  it("reports health once ready", async () => {
    const response = await fetch(`${emulator.url}/_emulator/health`);
    expect(response.status).toBe(200);
    const health = (await response.json()) as { status: string; counts: { customers: number } };
    expect(health.status).toBe("ok");
    expect(health.counts.customers).toBe(6);
  });

  it("injects a burst of 503s with Retry-After, then recovers", async () => {
    await postJson(`${emulator.url}/_emulator/faults`, {
      type: "error",
      status: 503,
      count: 2,
      retryAfterSeconds: 7,
    });
    const client = wooClient(emulator.url, key);
    for (let i = 0; i < 2; i++) {
      const error = await failure(client.get("orders"));
      expect(error.status).toBe(503);
      expect(error.headers["retry-after"]).toBe("7");
    }
    expect((await client.get("orders")).status).toBe(200);
  });

  it("injects 429 and WordPress-style 500s, optionally only on one path", async () => {
    await postJson(`${emulator.url}/_emulator/faults`, {
      type: "error",
      status: 429,
      retryAfterSeconds: 2,
      pathPrefix: "/wp-json/wc/v3/customers",
    });
    const client = wooClient(emulator.url, key);
    expect((await client.get("orders")).status).toBe(200);
    const limited = await failure(client.get("customers"));
    expect(limited.status).toBe(429);
    expect(limited.headers["retry-after"]).toBe("2");
    await postJson(`${emulator.url}/_emulator/faults`, { type: "error", status: 500 });
    const crashed = await failure(client.get("customers"));
    expect(crashed.status).toBe(500);
    expect((crashed.data as { code: string }).code).toBe("internal_server_error");
  });

  it("can answer slowly and can never answer (client timeout)", async () => {
    const client = wooClient(emulator.url, key);
    await postJson(`${emulator.url}/_emulator/faults`, { type: "slow", delayMs: 50 });
    expect((await client.get("products")).status).toBe(200);
    await postJson(`${emulator.url}/_emulator/faults`, { type: "timeout" });
    const timedOut = wooClient(emulator.url, key, { timeout: 300 }).get("products");
    await expect(timedOut).rejects.toMatchObject({ code: "ECONNABORTED" });
    expect((await client.get("products")).status).toBe(200);
  });

  it("can pretend not to be WooCommerce: HTML everywhere until faults are cleared", async () => {
    await postJson(`${emulator.url}/_emulator/faults`, { type: "not-woocommerce" });
    const response = await fetch(`${emulator.url}/wp-json/wc/v3/system_status`);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).not.toContain("wp-json");
    expect(html).not.toMatch(/WordPress|WooCommerce/);
    await fetch(`${emulator.url}/_emulator/faults`, { method: "DELETE" });
    expect((await wooClient(emulator.url, key).get("system_status")).status).toBe(200);
  });

  it("can print a PHP notice before the JSON: buffered (WordPress's headers kept) or not (200 text/html)", async () => {
    const raw = wooClient(emulator.url, key, {
      axiosConfig: { transformResponse: [(data: unknown) => data] },
    });
    const clean = (await raw.get("orders")) as { data: string; headers: Record<string, string> };
    await postJson(`${emulator.url}/_emulator/faults`, {
      type: "php-notice",
      pathPrefix: "/wp-json/wc/v3/orders",
    });
    expect((await raw.get("customers")).data).toMatch(/^\[\{"id":/);
    const noticed = (await raw.get("orders")) as {
      status: number;
      data: string;
      headers: Record<string, string>;
    };
    expect(noticed.status).toBe(200);
    expect(noticed.headers["x-wp-total"]).toBe(clean.headers["x-wp-total"]);
    expect(noticed.data).toMatch(
      /^<br \/>\n<b>Notice<\/b>: {2}Function _load_textdomain_just_in_time was called <strong>incorrectly<\/strong>\. .* on line <b>6121<\/b><br \/>\n\[\{"id":/s,
    );
    expect(noticed.data.slice(noticed.data.indexOf("[{"))).toBe(clean.data);
    expect((await raw.get("orders")).data).toBe(clean.data);

    await postJson(`${emulator.url}/_emulator/faults`, {
      type: "php-notice",
      format: "text",
      unbuffered: true,
    });
    const unbuffered = (await raw.get("orders/999999")) as {
      status: number;
      data: string;
      headers: Record<string, string>;
    };
    expect(unbuffered.status).toBe(200);
    expect(unbuffered.headers["content-type"]).toBe("text/html; charset=UTF-8");
    expect(unbuffered.headers["x-wp-total"]).toBeUndefined();
    expect(unbuffered.data).toMatch(
      /^\nDeprecated: Creation of dynamic property .* on line 48\n\nWarning: Cannot modify header information - headers already sent .* on line 1902\n\{"code":"woocommerce_rest_shop_order_invalid_id"/s,
    );
    const refused = await postJson(`${emulator.url}/_emulator/faults`, { type: "php-notice", format: "xml" });
    expect(refused.status).toBe(400);
  });

  it("mutates records through the control API and resets to the seeded store", async () => {
    const created = await postJson(`${emulator.url}/_emulator/customers`, {
      email: "control@example.test",
      first_name: "Control",
    });
    expect(created.status).toBe(201);
    const customer = (await created.json()) as { id: number };
    const updated = await postJson(
      `${emulator.url}/_emulator/customers/${customer.id}`,
      { last_name: "Plane" },
      "PUT",
    );
    expect(((await updated.json()) as { last_name: string }).last_name).toBe("Plane");
    const order = [...emulator.store.orders.values()].find(
      (o) => o.status === "completed" || o.status === "processing",
    )!;
    const refunded = await postJson(`${emulator.url}/_emulator/orders/${order.id}/refunds`, {
      amount: "1.00",
      reason: "test",
    });
    expect(((await refunded.json()) as { refunds: { total: string }[] }).refunds[0].total).toBe("-1.00");
    const trashed = await fetch(`${emulator.url}/_emulator/orders/${order.id}`, { method: "DELETE" });
    expect(((await trashed.json()) as { status: string }).status).toBe("trash");
    const restored = await fetch(`${emulator.url}/_emulator/orders/${order.id}/restore`, { method: "POST" });
    expect(((await restored.json()) as { status: string }).status).not.toBe("trash");
    const product = [...emulator.store.products.values()].find((p) => p.status === "publish")!;
    await fetch(`${emulator.url}/_emulator/products/${product.id}`, { method: "DELETE" });
    const back = await fetch(`${emulator.url}/_emulator/products/${product.id}/restore`, { method: "POST" });
    expect(((await back.json()) as { status: string }).status).toBe("publish");
    const again = await fetch(`${emulator.url}/_emulator/products/${product.id}/restore`, { method: "POST" });
    expect(again.status).toBe(400);

    const reset = await postJson(`${emulator.url}/_emulator/reset`, { customers: 4 });
    expect(reset.status).toBe(200);
    const customers = await wooClient(emulator.url, key).get("customers");
    expect(customers.headers["x-wp-total"]).toBe("4");
  });

  it("moves its clock forward on request (e.g. to expire OAuth timestamps)", async () => {
    const before = (await (await fetch(`${emulator.url}/_emulator/clock`)).json()) as { now: string };
    await postJson(`${emulator.url}/_emulator/clock`, { advanceMs: 20 * 60_000 });
    const error = await failure(wooClient(emulator.url, key).get("customers"));
    expect((error.data as { message: string }).message).toBe("Invalid timestamp.");
    await postJson(`${emulator.url}/_emulator/clock`, { advanceMs: -20 * 60_000 });
    const after = (await (await fetch(`${emulator.url}/_emulator/clock`)).json()) as { now: string };
    expect(Date.parse(after.now)).toBeGreaterThanOrEqual(Date.parse(before.now));
  });
});
