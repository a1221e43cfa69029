import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEFAULT_SHOP } from "../model";
import type { RunningShopifyEmulator } from "../server";
import { gql, issueToken } from "../testing/client";
import { startTestEmulator } from "../testing/fixtures";

let emu: RunningShopifyEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.close();
});

const post = (path: string, body: unknown, method = "POST") =>
  fetch(`${emu.url}${path}`, {
    method,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });

describe("control API", () => {
  it("GIVEN a started emulator WHEN /_emulator/health is read THEN 200 JSON with the shops", async () => {
    const res = await fetch(`${emu.url}/_emulator/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: "ok",
      shops: [{ domain: DEFAULT_SHOP, customers: 120, orders: 240, products: 15 }],
    });
  });

  it("GIVEN POST /_emulator/tokens WHEN used THEN the token carries exactly the requested scopes", async () => {
    const res = await post("/_emulator/tokens", { shop: DEFAULT_SHOP, scopes: ["read_products"] });
    const { access_token } = (await res.json()) as { access_token: string };
    expect(emu.context.tokens.verify(access_token)).toMatchObject({
      shop: DEFAULT_SHOP,
      scopes: ["read_products"],
    });
  });

  it("GIVEN record endpoints WHEN creating, updating and deleting a customer THEN GraphQL sees it and webhooks are emitted", async () => {
    const emit = vi.spyOn(emu.context.webhooks, "emit");
    const token = await issueToken(emu.url, ["read_customers"]);
    const created = (await (
      await post(`/_emulator/shops/${DEFAULT_SHOP}/customers`, {
        email: "ctl@example.com",
        firstName: "Control",
      })
    ).json()) as { id: string };
    const read = async () =>
      (
        await gql<{ customer: { firstName: string } | null }>(
          emu.url,
          token,
          `{ customer(id: "gid://shopify/Customer/${created.id}") { firstName } }`,
        )
      ).body.data?.customer;
    expect(await read()).toEqual({ firstName: "Control" });
    expect(
      (
        await post(
          `/_emulator/shops/${DEFAULT_SHOP}/customers/${created.id}`,
          { firstName: "Changed" },
          "PUT",
        )
      ).status,
    ).toBe(200);
    expect(await read()).toEqual({ firstName: "Changed" });
    expect(
      (
        await fetch(`${emu.url}/_emulator/shops/${DEFAULT_SHOP}/customers/${created.id}`, {
          method: "DELETE",
        })
      ).status,
    ).toBe(200);
    expect(await read()).toBeNull();
    expect(emit.mock.calls.map((c) => c[0].topic)).toEqual([
      "customers/create",
      "customers/update",
      "customers/delete",
    ]);
  });

  it("GIVEN POST /_emulator/shops WHEN a new shop is created THEN it is seeded and addressable; reset empties it on request", async () => {
    const res = await post("/_emulator/shops", { domain: "fresh-store.myshopify.com" });
    expect(res.status).toBe(201);
    const token = await issueToken(emu.url, ["read_customers"], "fresh-store.myshopify.com");
    const count = await gql<{ customersCount: { count: number } }>(
      emu.url,
      token,
      "{ customersCount { count } }",
      { shop: "fresh-store.myshopify.com" },
    );
    expect(count.body.data?.customersCount.count).toBe(120);
    await post("/_emulator/shops/fresh-store.myshopify.com/reset", { seeded: false });
    const after = await gql<{ customersCount: { count: number } }>(
      emu.url,
      token,
      "{ customersCount { count } }",
      { shop: "fresh-store.myshopify.com" },
    );
    expect(after.body.data?.customersCount.count).toBe(0);
  });

  it("GIVEN GET /_emulator/deliveries WHEN read THEN it returns the dispatcher's log as JSON", async () => {
    const res = await fetch(`${emu.url}/_emulator/deliveries`);
    expect(res.status).toBe(200);
    expect(Array.isArray(await res.json())).toBe(true);
  });
});
