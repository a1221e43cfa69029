/**
 * A shop's first opening of the embedded app, through the app's own route modules (routes-harness) against the Shopify
 * emulator: Remix runs the layout's loader (app.tsx) and the page's loader side by side with one session token, and
 * only one of them runs afterAuth (the install). The other must wait for that install before it reads the shop.
 */
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOPIFY_SCOPES } from "../../app/env.server";
import { offlineSessionId } from "../../app/platforms/shopify/access-token.server";
import { startShopifyEmulator, type RunningShopifyEmulator } from "../../emulators/shopify/server";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../setup/db";
import { loadRoutes, TEST_APP, type RouteHarness, forgetShopifyServices } from "./routes-harness";

const SHOP = "first-open.myshopify.com";
const OTHER_SHOP = "second-open.myshopify.com";
const GRAPHQL_DELAY_MS = 400;

/**
 * A loopback proxy in front of the emulator that holds each Admin GraphQL call for GRAPHQL_DELAY_MS (token exchange
 * passes at once), as a real shop's answers take time: the install (shop info, webhook subscriptions) then surely
 * runs longer than the other loader takes to read.
 */
async function slowGraphqlProxy(target: string): Promise<{ url: string; server: Server }> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const forward = () => {
      const out = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(out);
    };
    if (req.url?.includes("/graphql.json")) setTimeout(forward, GRAPHQL_DELAY_MS);
    else forward();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe.each(DATABASE_KINDS)("the first opening of the embedded app on %s", (kind) => {
  let t: TestDatabase;
  let api: RouteHarness;
  let shopify: RunningShopifyEmulator;
  let proxy: { url: string; server: Server };

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    shopify = await startShopifyEmulator({
      customers: 3,
      orders: 3,
      products: 2,
      shops: [SHOP, OTHER_SHOP],
      app: { apiKey: TEST_APP.apiKey, apiSecret: TEST_APP.apiSecret, appUrl: TEST_APP.appUrl },
      webhooks: { timeScale: 0 },
    });
    proxy = await slowGraphqlProxy(shopify.url);
    Object.assign(process.env, { SHOPIFY_EMULATOR_URL: proxy.url, SCOPES: SHOPIFY_SCOPES.join(",") });
    // The process's services are built once per process from the environment: start from scratch.
    forgetShopifyServices();
    api = await loadRoutes(t);
  });
  afterAll(async () => {
    await api?.close();
    proxy?.server.closeAllConnections();
    proxy?.server.close();
    await shopify?.close();
    forgetShopifyServices();
    delete process.env.SHOPIFY_EMULATOR_URL;
    await t?.cleanup();
  });

  async function pageLoad(shop: string) {
    const minted = (await (await fetch(`${shopify.url}/_emulator/session-token?shop=${shop}`)).json()) as {
      token: string;
    };
    const host = Buffer.from(`${shop}/admin`).toString("base64").replace(/=+$/, "");
    return { path: `/app?embedded=1&shop=${shop}&host=${host}`, token: minted.token };
  }

  async function expectInstalledOverview(shop: string, overview: Response) {
    expect(overview.status).toBe(200);
    const body = (await overview.json()) as {
      integrations: Array<{ storeKey: string; status: string; statusReason: string | null }>;
    };
    expect(body.integrations).toEqual([
      expect.objectContaining({ storeKey: shop, status: "connected", statusReason: null }),
    ]);
    // The install finished before the page read: its audit entry and the first full sync are there.
    const integration = await t.db.integration.findUniqueOrThrow({
      where: { platform_storeKey: { platform: "shopify", storeKey: shop } },
    });
    expect(
      await t.db.auditLog.count({
        where: { integrationId: integration.id, action: "shopify.install.completed" },
      }),
    ).toBe(1);
    const queued = await api.queue.listJobs({ status: "queued" });
    expect(
      queued.filter((j) => (j.payload as { integrationId?: string }).integrationId === integration.id),
    ).toEqual([expect.objectContaining({ kind: "sync.full" })]);
  }

  it("a request that finds the new session while afterAuth still installs the shop waits for the install", async () => {
    const load = await pageLoad(SHOP);
    const layout = api.call("app.tsx", load);
    // The layout's token exchange stored the session and its afterAuth now installs the shop (slow store calls).
    const deadline = Date.now() + 10_000;
    while (!(await t.db.session.findUnique({ where: { id: offlineSessionId(SHOP) } }))) {
      if (Date.now() > deadline) throw new Error("The layout's token exchange stored no session.");
      await new Promise((r) => setTimeout(r, 10));
    }
    const overview = await api.call("app._index.tsx", load);
    await expectInstalledOverview(SHOP, overview);
    expect((await layout).status).toBe(200);
  });

  it("the layout's and the page's loaders of one page load, run at once with one token, both see the install", async () => {
    const load = await pageLoad(OTHER_SHOP);
    // As Remix runs them for one page load: shopify-app-remix runs afterAuth for only one of the two.
    const [layout, overview] = await Promise.all([
      api.call("app.tsx", load),
      api.call("app._index.tsx", load),
    ]);
    expect(layout.status).toBe(200);
    await expectInstalledOverview(OTHER_SHOP, overview);
  });
});
