import "@shopify/shopify-api/adapters/node";
import { runInNewContext, Script } from "node:vm";
import { ApiVersion, LogSeverity, shopifyApi } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SHOP } from "../model";
import { startHarness, TEST_API_KEY, TEST_API_SECRET, TEST_SCOPES, type Harness } from "../testing/harness";

const APP_URL = "http://127.0.0.1:3998/app";
const shopify = shopifyApi({
  apiKey: TEST_API_KEY,
  apiSecretKey: TEST_API_SECRET,
  scopes: TEST_SCOPES,
  hostName: "127.0.0.1:3998",
  hostScheme: "http",
  apiVersion: ApiVersion.April25,
  isEmbeddedApp: true,
  logger: { level: LogSeverity.Error, log: async () => undefined },
});
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ appUrl: APP_URL });
});

afterAll(async () => {
  await h.close();
});

function iframeSrc(html: string): URL {
  const match = /<iframe[^>]*\ssrc="([^"]+)"/.exec(html);
  expect(match).not.toBeNull();
  return new URL((match as RegExpExecArray)[1].replace(/&amp;/g, "&"));
}

describe("mini admin", () => {
  it("GIVEN /admin/apps/{handle} THEN it frames the app URL with a verified id_token and Shopify's hmac", async () => {
    const res = await fetch(`${h.baseUrl}/admin/apps/commerce-sync?shop=${DEFAULT_SHOP}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const src = iframeSrc(await res.text());
    expect(`${src.origin}${src.pathname}`).toBe(APP_URL);
    const query = Object.fromEntries(src.searchParams);
    expect(Object.keys(query).sort()).toEqual([
      "embedded",
      "hmac",
      "host",
      "id_token",
      "locale",
      "session",
      "shop",
      "timestamp",
    ]);
    expect(query.embedded).toBe("1");
    expect(query.shop).toBe(DEFAULT_SHOP);
    expect(Buffer.from(query.host, "base64").toString()).toBe(`${DEFAULT_SHOP}/admin`);
    await expect(shopify.utils.validateHmac(query)).resolves.toBe(true);

    const payload = await shopify.session.decodeSessionToken(query.id_token);
    expect(payload).toMatchObject({
      iss: `https://${DEFAULT_SHOP}/admin`,
      dest: `https://${DEFAULT_SHOP}`,
      aud: TEST_API_KEY,
    });
    expect(payload.exp - payload.nbf).toBe(60);
  });

  it("frames sub-paths and keeps extra query parameters under the hmac", async () => {
    const res = await fetch(`${h.baseUrl}/admin/apps/commerce-sync/settings?shop=${DEFAULT_SHOP}&tab=sync`);
    const src = iframeSrc(await res.text());
    expect(src.pathname).toBe("/app/settings");
    expect(src.searchParams.get("tab")).toBe("sync");
    await expect(shopify.utils.validateHmac(Object.fromEntries(src.searchParams))).resolves.toBe(true);
  });

  it("answers 404 for another app handle or an unknown shop", async () => {
    expect((await fetch(`${h.baseUrl}/admin/apps/other-app`)).status).toBe(404);
    expect((await fetch(`${h.baseUrl}/admin/apps/commerce-sync?shop=nope.myshopify.com`)).status).toBe(404);
  });

  it("serves session tokens with CORS for the App Bridge stand-in", async () => {
    const preflight = await fetch(`${h.baseUrl}/_emulator/session-token`, { method: "OPTIONS" });
    expect(preflight.status).toBe(204);
    const res = await fetch(`${h.baseUrl}/_emulator/session-token?shop=${DEFAULT_SHOP}`);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const { token } = (await res.json()) as { token: string };
    expect((await shopify.session.decodeSessionToken(token)).dest).toBe(`https://${DEFAULT_SHOP}`);
  });

  it("answers the browser's favicon request without a 404 (an error in the console of every admin page)", async () => {
    const res = await fetch(`${h.baseUrl}/favicon.ico`);
    expect(res.status).toBe(204);
  });
});

describe("App Bridge stand-in", () => {
  async function loadScript(): Promise<string> {
    const res = await fetch(`${h.baseUrl}/_emulator/app-bridge.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/javascript/);
    return res.text();
  }

  /** Runs the script in a minimal browser-like sandbox whose fetch reaches the emulator for real. */
  function runInFakeBrowser(script: string, pageUrl: string) {
    const appRequests: Request[] = [];
    const defined = new Map<string, unknown>();
    const location = new URL(pageUrl) as URL & { replace?: (url: string) => void };
    const replaced: string[] = [];
    const window: Record<string, unknown> = {
      location: Object.assign(location, {
        replace: (url: string) => replaced.push(url),
        assign: () => undefined,
      }),
      sessionStorage: { getItem: () => null, setItem: () => undefined },
      customElements: {
        get: (name: string) => defined.get(name),
        define: (name: string, c: unknown) => defined.set(name, c),
      },
      open: () => undefined,
      fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
        const request = new Request(input, init);
        if (request.url.startsWith(h.baseUrl)) return fetch(request);
        appRequests.push(request);
        return new Response("{}", { status: 200 });
      },
    };
    const document = {
      currentScript: { getAttribute: (name: string) => (name === "data-api-key" ? TEST_API_KEY : null) },
      querySelector: () => null,
    };
    class HTMLElement {}
    runInNewContext(script, {
      window,
      document,
      HTMLElement,
      URL,
      URLSearchParams,
      Request,
      Headers,
      Response,
      JSON,
      Date,
      setTimeout,
      Promise,
      Error,
      String,
    });
    return { window, appRequests, defined, replaced };
  }

  it("serves parseable JavaScript", async () => {
    const source = await loadScript();
    expect(() => new Script(source)).not.toThrow();
  });

  it("provides shopify.idToken(), config, toast and adds the session token to the app's own fetches", async () => {
    const page = `${APP_URL}?embedded=1&shop=${DEFAULT_SHOP}&host=abc`;
    const { window, appRequests, defined } = runInFakeBrowser(await loadScript(), page);
    const api = window.shopify as {
      idToken: () => Promise<string>;
      config: { apiKey: string; shop: string; host: string };
      toast: { show: unknown };
      loading: unknown;
    };
    expect(api.config).toMatchObject({ apiKey: TEST_API_KEY, shop: DEFAULT_SHOP, host: "abc" });
    expect(typeof api.toast.show).toBe("function");
    expect(typeof api.loading).toBe("function");
    const token = await api.idToken();
    expect((await shopify.session.decodeSessionToken(token)).aud).toBe(TEST_API_KEY);

    const appFetch = window.fetch as (input: string, init?: RequestInit) => Promise<Response>;
    await appFetch("/app/api/sync", { method: "POST", body: "{}" });
    await appFetch("https://cdn.example.com/lib.js");
    expect(appRequests).toHaveLength(2);
    const auth = appRequests[0].headers.get("authorization") as string;
    expect(auth).toMatch(/^Bearer /);
    const payload = await shopify.session.decodeSessionToken(auth.slice("Bearer ".length));
    expect(payload.dest).toBe(`https://${DEFAULT_SHOP}`);
    expect(appRequests[1].headers.get("authorization")).toBeNull();
    expect([...defined.keys()]).toEqual(expect.arrayContaining(["ui-nav-menu", "s-app-nav"]));
  });

  it("performs shopify-app-remix's bounce: reloads the target with a fresh id_token", async () => {
    const reload = encodeURIComponent(`${APP_URL}?shop=${DEFAULT_SHOP}`);
    const page = `${APP_URL.replace("/app", "")}/auth/session-token?shop=${DEFAULT_SHOP}&shopify-reload=${reload}`;
    const { replaced } = runInFakeBrowser(await loadScript(), page);
    await expect.poll(() => replaced.length).toBe(1);
    const target = new URL(replaced[0]);
    expect(target.pathname).toBe("/app");
    const token = target.searchParams.get("id_token") as string;
    expect((await shopify.session.decodeSessionToken(token)).iss).toBe(`https://${DEFAULT_SHOP}/admin`);
  });
});
