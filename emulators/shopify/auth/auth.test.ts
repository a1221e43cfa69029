import "@shopify/shopify-api/adapters/node";
import { ApiVersion, LogSeverity, RequestedTokenType, shopifyApi, type Shopify } from "@shopify/shopify-api";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { SignJWT } from "jose";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_SHOP } from "../model";
import { signSessionToken } from "./session-token";
import { startHarness, TEST_API_KEY, TEST_API_SECRET, TEST_SCOPES, type Harness } from "../testing/harness";

const APP_URL = "http://127.0.0.1:3999";
let h: Harness;
let shopify: Shopify;

beforeAll(async () => {
  h = await startHarness({ appUrl: APP_URL });
  setAbstractFetchFunc(h.shopFetch as Parameters<typeof setAbstractFetchFunc>[0]);
  shopify = shopifyApi({
    apiKey: TEST_API_KEY,
    apiSecretKey: TEST_API_SECRET,
    scopes: TEST_SCOPES,
    hostName: "127.0.0.1:3999",
    hostScheme: "http",
    apiVersion: ApiVersion.April25,
    isEmbeddedApp: true,
    logger: { level: LogSeverity.Error, log: async () => undefined },
  });
});

beforeEach(() => {
  h.resetClock();
});

afterAll(async () => {
  await h.close();
});

async function postToken(body: Record<string, string>, shop = DEFAULT_SHOP): Promise<Response> {
  return h.shopFetch(`https://${shop}/admin/oauth/access_token`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
}

const client = { client_id: TEST_API_KEY, client_secret: TEST_API_SECRET };

describe("token exchange through @shopify/shopify-api", () => {
  it("GIVEN a session token from the emulator WHEN the real tokenExchange asks for an offline token THEN it gets a working token with the app's scopes", async () => {
    const sessionToken = await signSessionToken(h.ctx, DEFAULT_SHOP);
    const { session } = await shopify.auth.tokenExchange({
      shop: DEFAULT_SHOP,
      sessionToken,
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
    });
    expect(session.isOnline).toBe(false);
    expect(session.id).toBe(`offline_${DEFAULT_SHOP}`);
    expect(session.scope).toBe(TEST_SCOPES.join(","));
    expect(session.expires).toBeUndefined();
    const info = h.tokens.verify(session.accessToken as string);
    expect(info).toEqual({ shop: DEFAULT_SHOP, scopes: TEST_SCOPES, kind: "offline", expiresAt: null });
  });

  it("returns an online token with the associated user and expires_in", async () => {
    const sessionToken = await signSessionToken(h.ctx, DEFAULT_SHOP, { userId: "42" });
    const { session } = await shopify.auth.tokenExchange({
      shop: DEFAULT_SHOP,
      sessionToken,
      requestedTokenType: RequestedTokenType.OnlineAccessToken,
    });
    expect(session.isOnline).toBe(true);
    expect(session.onlineAccessInfo?.associated_user.id).toBe(42);
    expect(session.onlineAccessInfo?.associated_user_scope).toBe(TEST_SCOPES.join(","));
    expect(session.onlineAccessInfo?.expires_in).toBe(86_400);
    expect(session.expires).toBeInstanceOf(Date);
    expect(h.tokens.verify(session.accessToken as string)?.kind).toBe("online");
  });

  it("rejects session tokens signed with another secret, for another shop or audience, or expired", async () => {
    const other = { ...h.ctx, app: { ...h.ctx.app, apiKey: "someone-else" } };
    const cases: [string, string][] = [
      ["signature", await signSessionToken(h.ctx, DEFAULT_SHOP, { secret: "wrong-secret" })],
      ["destination", await signSessionToken(h.ctx, "other.myshopify.com")],
      ["audience", await signSessionToken(other, DEFAULT_SHOP)],
      ["expired", await signSessionToken(h.ctx, DEFAULT_SHOP, { ttlS: -30 })],
    ];
    for (const [label, token] of cases) {
      const res = await postToken({
        ...client,
        grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
        subject_token: token,
        subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
        requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
      });
      expect(res.status, label).toBe(400);
      const body = (await res.json()) as { error: string; error_description: string };
      expect(body.error, label).toBe("invalid_subject_token");
      expect(body.error_description.length, label).toBeGreaterThan(0);
    }
  });

  it("rejects a token whose iss does not match dest", async () => {
    const nowS = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ dest: `https://${DEFAULT_SHOP}` })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("https://other.myshopify.com/admin")
      .setAudience(TEST_API_KEY)
      .setSubject("1")
      .setNotBefore(nowS)
      .setExpirationTime(nowS + 60)
      .sign(new TextEncoder().encode(TEST_API_SECRET));
    const res = await postToken({
      ...client,
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      subject_token: token,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_subject_token");
  });

  it("refuses a wrong client secret with 401 invalid_client", async () => {
    const res = await postToken({
      client_id: TEST_API_KEY,
      client_secret: "nope",
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      subject_token: await signSessionToken(h.ctx, DEFAULT_SHOP),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: "invalid_client" });
  });
});

describe("expiring offline tokens and the refresh grant", () => {
  it("GIVEN expiring=1 WHEN the token expires THEN verify refuses it and the real refreshToken gets a new pair, once", async () => {
    const { session } = await shopify.auth.tokenExchange({
      shop: DEFAULT_SHOP,
      sessionToken: await signSessionToken(h.ctx, DEFAULT_SHOP),
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
      expiring: true,
    });
    expect(session.refreshToken).toMatch(/^shprt_/);
    expect(session.expires).toBeInstanceOf(Date);
    expect(session.refreshTokenExpires).toBeInstanceOf(Date);
    const first = session.accessToken as string;
    expect(h.tokens.verify(first)).not.toBeNull();

    h.advance(3_601_000);
    expect(h.tokens.verify(first)).toBeNull();

    const refreshed = await shopify.auth.refreshToken({
      shop: DEFAULT_SHOP,
      refreshToken: session.refreshToken as string,
    });
    expect(refreshed.session.accessToken).not.toBe(first);
    expect(h.tokens.verify(refreshed.session.accessToken as string)).not.toBeNull();
    expect(refreshed.session.refreshToken).not.toBe(session.refreshToken);

    const reuse = await postToken({
      ...client,
      grant_type: "refresh_token",
      refresh_token: session.refreshToken as string,
    });
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toMatchObject({ error: "invalid_grant" });
  });
});

describe("authorization-code grant", () => {
  async function authorize(query: Record<string, string>, shop = DEFAULT_SHOP): Promise<Response> {
    const qs = new URLSearchParams({
      client_id: TEST_API_KEY,
      scope: "read_customers,read_orders",
      redirect_uri: `${APP_URL}/auth/callback`,
      state: "nonce-123",
      ...query,
    });
    return h.shopFetch(`https://${shop}/admin/oauth/authorize?${qs}`);
  }

  async function approvedCallback(query: Record<string, string> = {}): Promise<URL> {
    const res = await authorize({ auto_approve: "1", ...query });
    expect(res.status).toBe(302);
    return new URL(res.headers.get("location") as string);
  }

  it("shows an approve page whose form posts back", async () => {
    const res = await authorize({});
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('action="/admin/oauth/authorize"');
    expect(html).toContain('name="state" value="nonce-123"');
    expect(html).toContain("read_customers");

    const form = new URLSearchParams({
      client_id: TEST_API_KEY,
      scope: "read_customers",
      redirect_uri: `${APP_URL}/auth/callback`,
      state: "nonce-123",
      shop: DEFAULT_SHOP,
      decision: "approve",
    });
    const approved = await fetch(`${h.baseUrl}/admin/oauth/authorize`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: form.toString(),
      redirect: "manual",
    });
    expect(approved.status).toBe(302);
    expect(new URL(approved.headers.get("location") as string).searchParams.get("code")).toMatch(
      /^[0-9a-f]{32}$/,
    );

    form.set("decision", "decline");
    const declined = await fetch(`${h.baseUrl}/admin/oauth/authorize`, {
      method: "POST",
      body: form,
      redirect: "manual",
    });
    const back = new URL(declined.headers.get("location") as string);
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.has("code")).toBe(false);
  });

  it("redirects with state, host and an hmac the real validateHmac accepts; the code is single-use", async () => {
    const callback = await approvedCallback();
    expect(callback.origin + callback.pathname).toBe(`${APP_URL}/auth/callback`);
    const query = Object.fromEntries(callback.searchParams);
    expect(query.state).toBe("nonce-123");
    expect(query.shop).toBe(DEFAULT_SHOP);
    expect(Buffer.from(query.host, "base64").toString()).toBe(`${DEFAULT_SHOP}/admin`);
    await expect(shopify.utils.validateHmac(query)).resolves.toBe(true);
    await expect(shopify.utils.validateHmac({ ...query, state: "tampered" })).resolves.toBe(false);

    const form = new URLSearchParams({ ...client, code: query.code });
    const first = await h.shopFetch(`https://${DEFAULT_SHOP}/admin/oauth/access_token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: form.toString(),
    });
    expect(first.status).toBe(200);
    const token = (await first.json()) as { access_token: string; scope: string };
    expect(token.scope).toBe("read_customers,read_orders");
    expect(h.tokens.verify(token.access_token)?.scopes).toEqual(["read_customers", "read_orders"]);

    const second = await postToken({ ...client, code: query.code });
    expect(second.status).toBe(400);
    expect(await second.json()).toMatchObject({ error: "invalid_request" });
  });

  it("rejects a wrong client secret and an expired code", async () => {
    const callback = await approvedCallback();
    const wrong = await postToken({
      client_id: TEST_API_KEY,
      client_secret: "bad",
      code: callback.searchParams.get("code") as string,
    });
    expect(wrong.status).toBe(401);

    const late = await approvedCallback();
    h.advance(61_000);
    const expired = await postToken({ ...client, code: late.searchParams.get("code") as string });
    expect(expired.status).toBe(400);
    expect(((await expired.json()) as { error_description: string }).error_description).toContain("expired");
  });

  it("issues an online token for grant_options[]=per-user", async () => {
    const callback = await approvedCallback({ "grant_options[]": "per-user" });
    const res = await postToken({ ...client, code: callback.searchParams.get("code") as string });
    const body = (await res.json()) as { expires_in: number; associated_user: { id: number } };
    expect(body.expires_in).toBe(86_400);
    expect(body.associated_user.id).toBe(1);
  });

  it("refuses an unknown client_id and a redirect_uri outside the app", async () => {
    expect((await authorize({ client_id: "other", auto_approve: "1" })).status).toBe(400);
    expect((await authorize({ redirect_uri: "https://evil.example/cb", auto_approve: "1" })).status).toBe(
      400,
    );
  });
});

describe("authorization-code flow through the real shopify.auth.begin / callback", () => {
  it("GIVEN an app using begin/callback WHEN the merchant approves THEN callback validates state + hmac and stores an offline session", async () => {
    const results: { shop: string; accessToken?: string; isOnline: boolean }[] = [];
    const callbackErrors: string[] = [];
    const appServer = createServer((req, res) => {
      void (async () => {
        const url = new URL(req.url ?? "/", "http://app");
        if (url.pathname === "/auth") {
          await app.auth.begin({
            shop: url.searchParams.get("shop") as string,
            callbackPath: "/auth/callback",
            isOnline: false,
            rawRequest: req,
            rawResponse: res,
          });
          return;
        }
        try {
          const { session } = await app.auth.callback({ rawRequest: req, rawResponse: res });
          results.push({ shop: session.shop, accessToken: session.accessToken, isOnline: session.isOnline });
          res.writeHead(200).end("installed");
        } catch (err) {
          callbackErrors.push(err instanceof Error ? err.message : String(err));
          res.writeHead(400).end("callback failed");
        }
      })();
    });
    await new Promise<void>((resolve) => appServer.listen(0, "127.0.0.1", resolve));
    const appUrl = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}`;
    const flow = await startHarness({ appUrl, tokenOptions: { autoApprove: true } });
    setAbstractFetchFunc(flow.shopFetch as Parameters<typeof setAbstractFetchFunc>[0]);
    const app = shopifyApi({
      apiKey: TEST_API_KEY,
      apiSecretKey: TEST_API_SECRET,
      scopes: TEST_SCOPES,
      hostName: new URL(appUrl).host,
      hostScheme: "http",
      apiVersion: ApiVersion.April25,
      isEmbeddedApp: false,
      logger: { level: LogSeverity.Error, log: async () => undefined },
    });
    try {
      // shopify-api answers 410 to bots; undici's default user agent ("node") counts as one.
      const browser = { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36" };
      const begin = await fetch(`${appUrl}/auth?shop=${DEFAULT_SHOP}`, {
        headers: browser,
        redirect: "manual",
      });
      expect(begin.status).toBe(302);
      const authorizeUrl = begin.headers.get("location") as string;
      expect(authorizeUrl.startsWith(`https://${DEFAULT_SHOP}/admin/oauth/authorize?`)).toBe(true);
      const cookies = begin.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; ");

      const approve = await flow.shopFetch(authorizeUrl);
      expect(approve.status).toBe(302);
      const callbackUrl = approve.headers.get("location") as string;
      expect(callbackUrl.startsWith(`${appUrl}/auth/callback?`)).toBe(true);

      const callback = await fetch(callbackUrl, {
        headers: { ...browser, Cookie: cookies },
        redirect: "manual",
      });
      expect(callback.status).toBe(200);
      expect(results).toHaveLength(1);
      expect(results[0]).toMatchObject({ shop: DEFAULT_SHOP, isOnline: false });
      expect(flow.tokens.verify(results[0].accessToken as string)?.scopes).toEqual(TEST_SCOPES);

      // Replaying the callback fails: the code was single-use.
      const replay = await fetch(callbackUrl, {
        headers: { ...browser, Cookie: cookies },
        redirect: "manual",
      });
      expect(replay.status).toBe(400);
      expect(callbackErrors).toEqual(["Received an error response (400 Bad Request) from Shopify"]);
    } finally {
      setAbstractFetchFunc(h.shopFetch as Parameters<typeof setAbstractFetchFunc>[0]);
      await flow.close();
      appServer.closeAllConnections();
      await new Promise((resolve) => appServer.close(resolve));
    }
  });
});
