import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../server";
import { wooClient } from "../test-helpers";

type Load = { latency_ms: number; in_flight: number; max_in_flight: number; requests: number };

async function control(emulator: WooEmulator, path: string, method = "GET", body?: unknown): Promise<Load> {
  const response = await fetch(`${emulator.url}/_emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Load;
}

describe("WooCommerce emulator benchmark support: list latency and the store's concurrency", () => {
  let emulator: WooEmulator;
  let key: { consumer_key: string; consumer_secret: string };

  beforeAll(async () => {
    emulator = await startWooEmulator({
      counts: { customers: 30, orders: 30, products: 3 },
      autoDeliver: false,
      latencyMs: 150,
    });
    key = emulator.createKey("read_write");
  });
  afterAll(() => emulator.close());

  it("answers each list page after the configured latency, settable through the control API", async () => {
    expect(await control(emulator, "latency")).toEqual({ latency_ms: 150 });
    const started = performance.now();
    await wooClient(emulator.url, key).get("orders", { per_page: 10 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    expect(await control(emulator, "latency", "POST", { latency_ms: 250 })).toEqual({ latency_ms: 250 });
    expect(emulator.context.load.latencyMs).toBe(250);
    const refused = await fetch(`${emulator.url}/_emulator/latency`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ latency_ms: -1 }),
    });
    expect(refused.status).toBe(400);
  });

  it("records the high-water mark of REST requests in flight, and restarts it on reset", async () => {
    expect((await control(emulator, "concurrency/reset", "POST")).max_in_flight).toBe(0);
    const client = wooClient(emulator.url, key);
    await Promise.all([1, 2, 3, 4, 5].map((page) => client.get("customers", { per_page: 5, page })));
    const afterFive = await control(emulator, "concurrency");
    expect(afterFive).toMatchObject({ in_flight: 0, max_in_flight: 5, requests: 5 });

    for (const page of [1, 2, 3]) await client.get("customers", { per_page: 5, page });
    expect((await control(emulator, "concurrency")).max_in_flight).toBe(5);
    await control(emulator, "concurrency", "DELETE");
    for (const page of [1, 2]) await client.get("customers", { per_page: 5, page });
    // Control requests are not the store's load: only the two REST pages count.
    expect(await control(emulator, "concurrency")).toMatchObject({
      in_flight: 0,
      max_in_flight: 1,
      requests: 2,
    });
  });

  it("logs each REST request with its query but without credentials, and forgets them on DELETE", async () => {
    await fetch(`${emulator.url}/_emulator/requests`, { method: "DELETE" });
    const client = wooClient(emulator.url, key);
    await client.get("orders", { _fields: "id", orderby: "id", order: "asc", per_page: 2 });
    const order = [...emulator.store.orders.values()][0];
    await client.get(`orders/${order.id}`, { _fields: "id" });
    await fetch(`${emulator.url}/_emulator/health`);
    const response = await fetch(`${emulator.url}/_emulator/requests`);
    expect(response.status).toBe(200);
    const { requests } = (await response.json()) as { requests: unknown[] };
    // Plain http: OAuth 1.0a, whose oauth_* parameters (signature included) are left out.
    expect(requests).toEqual([
      {
        method: "GET",
        path: "/wp-json/wc/v3/orders",
        query: { _fields: "id", orderby: "id", order: "asc", per_page: "2" },
      },
      { method: "GET", path: `/wp-json/wc/v3/orders/${order.id}`, query: { _fields: "id" } },
    ]);
    await fetch(`${emulator.url}/_emulator/requests`, { method: "DELETE" });
    const empty = (await (await fetch(`${emulator.url}/_emulator/requests`)).json()) as {
      requests: unknown[];
    };
    expect(empty.requests).toEqual([]);
  });
});
