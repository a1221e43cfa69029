/**
 * Core ↔ webhooks integration: a subscription created through GraphQL receives the REST-style body of a GraphQL
 * mutation, signed with the app secret.
 */
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningShopifyEmulator } from "./server";
import { gql, issueToken } from "./testing/client";
import { startTestEmulator } from "./testing/fixtures";

let emu: RunningShopifyEmulator;
let receiver: Server;
let receiverUrl: string;
const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  // https:// (Shopify refuses http://); the emulator delivers https://127.0.0.1 over http, like a dev tunnel.
  receiverUrl = `https://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`;
  emu = await startTestEmulator({ app: { apiSecret: "integration-secret" } });
});
afterAll(async () => {
  await emu.close();
  await new Promise((resolve) => receiver.close(resolve));
});

describe("webhooks from GraphQL mutations", () => {
  it("GIVEN a CUSTOMERS_CREATE subscription made through GraphQL WHEN customerCreate runs THEN the callback gets a signed REST body", async () => {
    const token = await issueToken(emu.url, ["write_customers"]);
    const sub = await gql(
      emu.url,
      token,
      `mutation($url: URL!) { webhookSubscriptionCreate(topic: CUSTOMERS_CREATE, webhookSubscription: { callbackUrl: $url, format: JSON }) { webhookSubscription { id } userErrors { message } } }`,
      { variables: { url: receiverUrl } },
    );
    expect(sub.body.errors).toBeUndefined();
    await gql(
      emu.url,
      token,
      `mutation { customerCreate(input: { email: "hook@example.com", firstName: "Hook" }) { customer { id } userErrors { message } } }`,
    );
    await emu.context.webhooks.flush();
    expect(received).toHaveLength(1);
    const [delivery] = received;
    expect(delivery.headers["x-shopify-topic"]).toBe("customers/create");
    expect(delivery.headers["x-shopify-shop-domain"]).toBe("demo.myshopify.com");
    const expectedHmac = createHmac("sha256", "integration-secret").update(delivery.body).digest("base64");
    expect(delivery.headers["x-shopify-hmac-sha256"]).toBe(expectedHmac);
    expect(JSON.parse(delivery.body)).toMatchObject({ email: "hook@example.com", first_name: "Hook" });
  });
});
