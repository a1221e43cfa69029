import "@shopify/shopify-api/adapters/node";
import { ApiVersion, LogSeverity, RequestedTokenType, shopifyApi, type Shopify } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SHOP } from "../model";
import { startShopifyEmulator, type RunningShopifyEmulator } from "../server";
import { redirectShopifyFetch } from "../testing/redirect-fetch";
import { startReceiver, type Receiver } from "../auth/test-harness";
import { signSessionToken } from "../auth/session-token";

const API_KEY = "e2e-api-key";
const API_SECRET = "e2e-api-secret";
let emulator: RunningShopifyEmulator;
let receiver: Receiver;
let shopify: Shopify;
const validations: boolean[] = [];

beforeAll(async () => {
  receiver = await startReceiver();
  emulator = await startShopifyEmulator({
    customers: 3,
    orders: 3,
    products: 2,
    app: { apiKey: API_KEY, apiSecret: API_SECRET, appUrl: receiver.url },
    webhooks: { tomlPath: null, timeScale: 0 },
  });
  redirectShopifyFetch(emulator.url);
  shopify = shopifyApi({
    apiKey: API_KEY,
    apiSecretKey: API_SECRET,
    scopes: emulator.context.app.scopes,
    hostName: new URL(receiver.url).host,
    hostScheme: "http",
    apiVersion: ApiVersion.April25,
    isEmbeddedApp: true,
    logger: { level: LogSeverity.Error, log: async () => undefined },
  });
  receiver.inspect = async (req, res, rawBody) => {
    validations.push((await shopify.webhooks.validate({ rawBody, rawRequest: req, rawResponse: res })).valid);
  };
});

afterAll(async () => {
  await emulator?.close();
  await receiver?.close();
});

describe("the full emulator (server.ts) with the app's real libraries", () => {
  it("GIVEN a token from the real tokenExchange WHEN the app subscribes and changes a customer over GraphQL THEN a valid webhook arrives; uninstall revokes the token", async () => {
    const { session } = await shopify.auth.tokenExchange({
      shop: DEFAULT_SHOP,
      sessionToken: await signSessionToken(emulator.context, DEFAULT_SHOP),
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
    });
    const client = new shopify.clients.Graphql({ session });

    const created = await client.request(
      `mutation Sub($url: URL!) {
        webhookSubscriptionCreate(topic: CUSTOMERS_UPDATE, webhookSubscription: { callbackUrl: $url, format: JSON }) {
          webhookSubscription { id }
          userErrors { field message }
        }
      }`,
      // https:// (Shopify refuses http://); delivered over http to the loopback receiver, like a dev tunnel.
      { variables: { url: `${receiver.url.replace("http://", "https://")}/webhooks/customers/update` } },
    );
    expect(created.data?.webhookSubscriptionCreate.userErrors).toEqual([]);

    const customer = [...(emulator.context.shops.get(DEFAULT_SHOP)?.customers.values() ?? [])][0];
    const updated = await client.request(
      `mutation Update($input: CustomerInput!) {
        customerUpdate(input: $input) { customer { id firstName } userErrors { field message } }
      }`,
      { variables: { input: { id: `gid://shopify/Customer/${customer.id}`, firstName: "Grace" } } },
    );
    expect(updated.data?.customerUpdate.customer.firstName).toBe("Grace");

    await emulator.context.webhooks.flush();
    expect(receiver.requests).toHaveLength(1);
    expect(validations).toEqual([true]);
    const body = receiver.requests[0].rawBody;
    expect(body).toContain(`"id":${customer.id},`);
    expect(JSON.parse(body)).toMatchObject({
      first_name: "Grace",
      admin_graphql_api_id: `gid://shopify/Customer/${customer.id}`,
    });

    const uninstall = await fetch(`${emulator.url}/_emulator/shops/${DEFAULT_SHOP}/uninstall`, {
      method: "POST",
    });
    expect(uninstall.status).toBe(200);
    expect(emulator.context.tokens.verify(session.accessToken as string)).toBeNull();
    await expect(client.request(`{ shop { name } }`)).rejects.toThrow(/401|Invalid API key/);
  });
});
