/**
 * The connect limits (docs/decisions/0057-rate-limiting-connect-attempts.md) over real HTTP: the app's Remix build
 * behind the production server module (tests/security/http-app.ts), a WooCommerce emulator as the store, and
 * requests sent from different loopback addresses (127.0.0.1, 127.0.0.2, …: the server sees each as another client).
 * The first app runs with the default limits (10 attempts per address per 10 minutes, 30 per organization per hour)
 * and no trusted proxy; the second trusts one proxy and has small limits and a short window, to see it reset.
 *
 * A refused attempt writes nothing but its own count (the RateLimitCounter row of its address). SQLite only: the
 * limiter's own tests count on both databases, with two processes sharing one, and the bad-input corpus runs its
 * limit cases on both.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Session } from "@shopify/shopify-api";
import { keyringFrom } from "../../app/crypto/encryption.server";
import { createApiToken } from "../../app/integrations/api-tokens.server";
import { seedMerchant, type MerchantFixture } from "../../app/integrations/testing/merchant";
import { EncryptedSessionStorage } from "../../app/platforms/shopify/session-storage.server";
import { startWooEmulator, type WooEmulator } from "../../emulators/woocommerce/server";
import { sessionToken } from "../integration/routes-harness";
import { createTestDatabase, type TestDatabase } from "../setup/db";
import { snapshotDatabase } from "./db-snapshot";
import { HTTP_APP, startHttpApp, type HttpApp } from "./http-app";

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** One request from the loopback address `from`, over a connection of its own. */
function send(
  app: HttpApp,
  path: string,
  opts: { method?: string; from?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const url = new URL(path, app.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: opts.method ?? (opts.body === undefined ? "GET" : "POST"),
        localAddress: opts.from ?? "127.0.0.1",
        agent: false,
        headers: {
          ...(opts.body === undefined ? {} : { "Content-Length": Buffer.byteLength(opts.body) }),
          ...opts.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString(),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** Every table but the limits' counters, and the counters as key → count. */
async function snapshotBesideCounters(db: TestDatabase["db"]) {
  const { RateLimitCounter: _counters, ...tables } = await snapshotDatabase(db);
  const rows = await db.$queryRawUnsafe<{ key: string; count: number | bigint }[]>(
    `SELECT "key", "count" FROM "RateLimitCounter"`,
  );
  return { tables, counts: Object.fromEntries(rows.map((row) => [row.key, Number(row.count)])) };
}

/** The counters that changed between two snapshots, by how much: a refused attempt adds one to its address's. */
function countsAdded(before: Record<string, number>, after: Record<string, number>): number[] {
  return Object.keys(after)
    .filter((key) => after[key] !== before[key])
    .map((key) => after[key] - (before[key] ?? 0));
}

const FORM = { "Content-Type": "application/x-www-form-urlencoded" };
const WRONG_SECRET = `cs_${"0".repeat(40)}`;
const ADDRESS_LIMITED = /Too many connection attempts from this address\. Try again in (\d+) minutes?\./;

describe("connect limits over HTTP, default limits and no trusted proxy", () => {
  let t: TestDatabase;
  let app: HttpApp;
  let woo: WooEmulator;
  let m: MerchantFixture;
  let shop: string;
  let apiToken: string;
  let consumerKey: string;

  const storeRequests = () => woo.context.load.snapshot().requests;
  const keysForm = (headers: Record<string, string> = {}) => ({
    headers: { ...FORM, ...headers },
    body: new URLSearchParams({
      intent: "keys",
      storeUrl: woo.url,
      consumerKey,
      consumerSecret: WRONG_SECRET,
    }).toString(),
  });
  const apiConnect = (token = apiToken) => ({
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ storeUrl: woo.url, consumerKey, consumerSecret: WRONG_SECRET }),
  });

  beforeAll(async () => {
    t = await createTestDatabase("sqlite");
    woo = await startWooEmulator({ counts: { customers: 2, orders: 2, products: 1 }, autoDeliver: false });
    consumerKey = woo.createKey().consumer_key;
    // Blank = not set: the schema's defaults apply (the harness otherwise raises the limits for other suites).
    app = await startHttpApp(t, {
      ALLOW_PRIVATE_STORE_URLS: "true",
      TRUST_PROXY: "",
      CONNECT_LIMIT_PER_IP: "",
      CONNECT_LIMIT_PER_IP_WINDOW_SECONDS: "",
      CONNECT_LIMIT_PER_ORGANIZATION: "",
      CONNECT_LIMIT_PER_ORGANIZATION_WINDOW_SECONDS: "",
    });
    m = await seedMerchant(t.db);
    shop = (await t.db.integration.findUniqueOrThrow({ where: { id: m.shopifyId } })).storeKey;
    const session = new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false });
    session.accessToken = `shpat_${randomBytes(16).toString("hex")}`;
    session.scope = "read_customers";
    await new EncryptedSessionStorage(t.db, keyringFrom(HTTP_APP.encryptionKey)).storeSession(session);
    apiToken = (
      await createApiToken(t.db, { organizationId: m.organizationId, name: "Desk", createdBy: "test" })
    ).token;
  });
  afterAll(async () => {
    await app?.close();
    await woo?.close();
    await t?.cleanup();
  });

  it("refuses the 11th connect from one address with 429, Retry-After and the message; the store is not asked, nothing is written", async () => {
    for (let i = 1; i <= 10; i++) {
      const res = await send(app, "/woocommerce/connect", keysForm());
      expect({ attempt: i, status: res.status }).toEqual({ attempt: i, status: 400 });
      expect(res.text).toContain("WooCommerce rejected");
    }
    const before = { db: await snapshotBesideCounters(t.db), store: storeRequests() };

    const refused = await send(app, "/woocommerce/connect", keysForm());
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThan(540);
    expect(retryAfter).toBeLessThanOrEqual(600);
    expect(refused.text).toContain("The store could not be connected");
    expect(refused.text).toContain(
      "Too many connection attempts from this address. Try again in 10 minutes.",
    );

    // The key approval start from the same address: refused the same way, no attempt recorded, no cookie.
    const approve = await send(app, "/woocommerce/connect", {
      headers: FORM,
      body: new URLSearchParams({ intent: "approve", storeUrl: woo.url }).toString(),
    });
    expect(approve.status).toBe(429);
    expect(approve.headers["retry-after"]).toMatch(/^\d+$/);
    expect(approve.headers["set-cookie"]).toBeUndefined();
    expect(approve.text).toContain("We could not start the approval");
    expect(approve.text).toMatch(ADDRESS_LIMITED);

    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(storeRequests()).toBe(before.store);
    const after = await snapshotBesideCounters(t.db);
    expect(after.tables).toEqual(before.db.tables);
    // Both refused attempts counted against the one address (no organization on the public page).
    expect(countsAdded(before.db.counts, after.counts)).toEqual([2]);
  });

  it("does not limit another address", async () => {
    const before = storeRequests();
    const res = await send(app, "/woocommerce/connect", { ...keysForm(), from: "127.0.0.2" });
    expect(res.status).toBe(400);
    expect(res.text).toContain("WooCommerce rejected");
    expect(storeRequests()).toBeGreaterThan(before);
  });

  it("ignores X-Forwarded-For when no proxy is trusted (TRUST_PROXY=0)", async () => {
    const before = storeRequests();
    const res = await send(app, "/woocommerce/connect", keysForm({ "X-Forwarded-For": "203.0.113.9" }));
    expect(res.status).toBe(429);
    expect(res.text).toMatch(ADDRESS_LIMITED);
    expect(storeRequests()).toBe(before);
  });

  it("limits the embedded connect page from a limited address", async () => {
    const before = storeRequests();
    const res = await send(app, "/app/woocommerce/connect", {
      headers: { ...FORM, Authorization: `Bearer ${await shopToken(shop)}` },
      body: new URLSearchParams({ storeUrl: woo.url, consumerKey, consumerSecret: WRONG_SECRET }).toString(),
    });
    expect(res.status).toBe(429);
    expect(res.headers["retry-after"]).toMatch(/^\d+$/);
    expect(res.text).toMatch(ADDRESS_LIMITED);
    expect(storeRequests()).toBe(before);
  });

  it("answers the API's 11th connect from one address 429 rate_limited in the API's error shape", async () => {
    for (let i = 1; i <= 10; i++) {
      const res = await send(app, "/api/integrations/woocommerce/connect", {
        ...apiConnect(),
        from: "127.0.0.3",
      });
      expect({ attempt: i, status: res.status }).toEqual({ attempt: i, status: 422 });
    }
    const before = { db: await snapshotBesideCounters(t.db), store: storeRequests() };
    const res = await send(app, "/api/integrations/woocommerce/connect", {
      ...apiConnect(),
      from: "127.0.0.3",
    });
    expect(res.status).toBe(429);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
    expect(JSON.parse(res.text)).toEqual({
      error: {
        code: "rate_limited",
        message: expect.stringMatching(ADDRESS_LIMITED),
      },
    });
    expect(storeRequests()).toBe(before.store);
    const after = await snapshotBesideCounters(t.db);
    expect(after.tables).toEqual(before.db.tables);
    // The address's count, not the organization's: refused for its address, it used none of the token's.
    expect(countsAdded(before.db.counts, after.counts)).toEqual([1]);
  });

  it("does not limit webhooks, sign-in, read pages or the API's reads from a limited address", async () => {
    const from = "127.0.0.1";
    expect((await send(app, "/woocommerce/connect", { from })).status).toBe(200);
    expect((await send(app, "/healthz", { from })).status).toBe(200);
    const ping = await send(app, `/api/webhooks/woocommerce?integration=${m.wooId}`, {
      from,
      headers: FORM,
      body: "webhook_id=12",
    });
    expect(ping.status).toBe(200);
    const unsigned = await send(app, `/api/webhooks/woocommerce?integration=${m.wooId}`, {
      from,
      headers: { "Content-Type": "application/json", "X-WC-Webhook-Topic": "order.updated" },
      body: JSON.stringify({ id: 1 }),
    });
    expect(unsigned.status).not.toBe(429);
    expect(unsigned.status).toBeLessThan(500);
    const signIn = await send(app, "/woocommerce/sign-in/not-a-token", { from });
    expect(signIn.status).not.toBe(429);
    expect(signIn.status).toBeLessThan(500);
    const reads = await send(app, "/api/integrations", {
      from: "127.0.0.3",
      headers: { Authorization: `Bearer ${apiToken}` },
    });
    expect(reads.status).toBe(200);
  });
});

describe("connect limits over HTTP behind one trusted proxy (TRUST_PROXY=1), small limits", () => {
  let t: TestDatabase;
  let app: HttpApp;
  let woo: WooEmulator;
  let consumerKey: string;
  let tokens: { a: string; b: string };

  const WINDOW_SECONDS = 3;
  const keysForm = (client: string) => ({
    headers: { ...FORM, "X-Forwarded-For": client },
    body: new URLSearchParams({
      intent: "keys",
      storeUrl: woo.url,
      consumerKey,
      consumerSecret: WRONG_SECRET,
    }).toString(),
  });
  const apiConnect = (token: string, client: string) => ({
    headers: {
      Authorization: `Bearer ${token}`,
      "Content-Type": "application/json",
      "X-Forwarded-For": client,
    },
    body: JSON.stringify({ storeUrl: woo.url, consumerKey, consumerSecret: WRONG_SECRET }),
  });

  beforeAll(async () => {
    t = await createTestDatabase("sqlite");
    woo = await startWooEmulator({ counts: { customers: 2, orders: 2, products: 1 }, autoDeliver: false });
    consumerKey = woo.createKey().consumer_key;
    app = await startHttpApp(t, {
      ALLOW_PRIVATE_STORE_URLS: "true",
      TRUST_PROXY: "1",
      CONNECT_LIMIT_PER_IP: "2",
      CONNECT_LIMIT_PER_IP_WINDOW_SECONDS: String(WINDOW_SECONDS),
      CONNECT_LIMIT_PER_ORGANIZATION: "3",
      CONNECT_LIMIT_PER_ORGANIZATION_WINDOW_SECONDS: "600",
    });
    const a = await t.db.organization.create({ data: { name: "A" } });
    const b = await t.db.organization.create({ data: { name: "B" } });
    const token = async (organizationId: string) =>
      (await createApiToken(t.db, { organizationId, name: "Desk", createdBy: "test" })).token;
    tokens = { a: await token(a.id), b: await token(b.id) };
    // The first connect builds the route module and the platforms (seconds under Vite): not inside a 3 s window.
    expect((await send(app, "/woocommerce/connect", keysForm("192.0.2.1"))).status).toBe(400);
  });
  afterAll(async () => {
    await app?.close();
    await woo?.close();
    await t?.cleanup();
  });

  it("counts the address the proxy appended, not one the client wrote before it", async () => {
    expect((await send(app, "/woocommerce/connect", keysForm("198.51.100.7"))).status).toBe(400);
    expect((await send(app, "/woocommerce/connect", keysForm("198.51.100.7"))).status).toBe(400);
    expect((await send(app, "/woocommerce/connect", keysForm("198.51.100.7"))).status).toBe(429);
    // Another client behind the same proxy (the same socket address) is not limited …
    expect((await send(app, "/woocommerce/connect", keysForm("198.51.100.8"))).status).toBe(400);
    // … and a limited client cannot pass as another by writing an entry of its own before the proxy's.
    const spoofed = await send(app, "/woocommerce/connect", keysForm("198.51.100.8, 198.51.100.7"));
    expect(spoofed.status).toBe(429);
    expect(spoofed.text).toMatch(ADDRESS_LIMITED);
  });

  it("allows the address again once its window has passed", async () => {
    const refused = await send(app, "/woocommerce/connect", keysForm("198.51.100.7"));
    expect(refused.status).toBe(429);
    const retryAfterS = Number(refused.headers["retry-after"]);
    expect(retryAfterS).toBeGreaterThanOrEqual(1);
    expect(retryAfterS).toBeLessThanOrEqual(WINDOW_SECONDS);
    await new Promise((resolve) => setTimeout(resolve, retryAfterS * 1000 + 100));
    const again = await send(app, "/woocommerce/connect", keysForm("198.51.100.7"));
    expect(again.status).toBe(400);
    expect(again.text).toContain("WooCommerce rejected");
  });

  it("refuses an organization's 4th connect from any address, and not another organization's", async () => {
    for (const client of ["203.0.113.11", "203.0.113.12", "203.0.113.13"]) {
      const res = await send(app, "/api/integrations/woocommerce/connect", apiConnect(tokens.a, client));
      expect({ client, status: res.status }).toEqual({ client, status: 422 });
    }
    const before = woo.context.load.snapshot().requests;
    const res = await send(
      app,
      "/api/integrations/woocommerce/connect",
      apiConnect(tokens.a, "203.0.113.14"),
    );
    expect(res.status).toBe(429);
    expect(Number(res.headers["retry-after"])).toBeGreaterThan(540);
    expect(JSON.parse(res.text)).toEqual({
      error: {
        code: "rate_limited",
        message: "Too many connection attempts for this Commerce Sync account. Try again in 10 minutes.",
      },
    });
    expect(woo.context.load.snapshot().requests).toBe(before);
    const other = await send(
      app,
      "/api/integrations/woocommerce/connect",
      apiConnect(tokens.b, "203.0.113.15"),
    );
    expect(other.status).toBe(422);
  });
});

const shopToken = (shop: string) =>
  sessionToken(shop, { audience: HTTP_APP.apiKey, secret: HTTP_APP.apiSecret });
