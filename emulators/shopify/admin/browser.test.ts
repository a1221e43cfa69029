import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser } from "@playwright/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jwtVerify } from "jose";
import { startHarness, TEST_API_KEY, TEST_API_SECRET, type Harness } from "../testing/harness";

const CHROMIUM = "/usr/bin/chromium";

/**
 * The mini admin in a real browser: the admin page frames a tiny "app" (another origin) that loads the App Bridge
 * stand-in and calls its own API with fetch; the API echoes the Authorization header it received.
 */
describe.skipIf(!existsSync(CHROMIUM))("mini admin in Chromium", () => {
  let h: Harness;
  let app: Server;
  let browser: Browser;
  const seenAuthorization: string[] = [];

  beforeAll(async () => {
    app = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://app");
      if (url.pathname === "/api/whoami") {
        seenAuthorization.push(String(req.headers.authorization ?? ""));
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ ok: true }));
        return;
      }
      res.writeHead(200, { "Content-Type": "text/html" }).end(`<!doctype html><html><head>
<script data-api-key="${TEST_API_KEY}" src="${h.baseUrl}/_emulator/app-bridge.js"></script></head>
<body><ui-nav-menu><a href="/" rel="home">Home</a><a href="/contacts">Contacts</a><a href="/orders">Orders</a>
<a href="/products">Products</a><a href="/woocommerce/connect">Connect WooCommerce</a><a href="/settings">Settings</a>
</ui-nav-menu><p id="status">loading</p>
<script>
  fetch("/api/whoami").then((r) => r.json()).then(async () => {
    const token = await shopify.idToken();
    shopify.toast.show("Synced");
    document.getElementById("status").textContent = "ready " + shopify.config.shop + " " + token.split(".").length;
  }).catch((e) => { document.getElementById("status").textContent = "error " + e.message; });
</script></body></html>`);
    });
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/`;
    h = await startHarness({ appUrl });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await h?.close();
    app?.closeAllConnections();
    await new Promise((resolve) => app?.close(resolve));
  });

  it("GIVEN /admin/apps/{handle} in a browser THEN the framed app gets session tokens on its fetches and shopify.* works", async () => {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (err) => pageErrors.push(err.message));
    await page.goto(`${h.baseUrl}/admin/apps/commerce-sync`);
    const frame = page.frameLocator("#app-iframe");
    await expect
      .poll(async () => frame.locator("#status").textContent(), { timeout: 20_000 })
      .toBe("ready demo.myshopify.com 3");
    expect(await frame.locator("[data-shopify-emulator-toast]").textContent()).toBe("Synced");
    expect(await frame.locator("ui-nav-menu").isVisible()).toBe(false);
    expect(pageErrors).toEqual([]);
    expect(seenAuthorization).toHaveLength(1);
    const token = seenAuthorization[0].replace(/^Bearer /, "");
    const { payload } = await jwtVerify(token, new TextEncoder().encode(TEST_API_SECRET), {
      audience: TEST_API_KEY,
    });
    expect(payload.dest).toBe("https://demo.myshopify.com");
  });

  it("GIVEN a phone-wide window (390 px) THEN the app's navigation stays reachable and opens the app's page", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 800 } });
    await page.goto(`${h.baseUrl}/admin/apps/commerce-sync`);
    // The App Bridge stand-in posts the app's ui-nav-menu to the admin, which lists it beside its own links.
    const settings = page.locator("#app-nav a", { hasText: "Settings" });
    await expect.poll(async () => settings.count(), { timeout: 20_000 }).toBe(1);
    expect(await settings.isVisible()).toBe(true);
    const box = await settings.boundingBox();
    expect(box && box.width > 0 && box.x >= 0 && box.y >= 0).toBe(true);
    // The framed app keeps most of the screen.
    const frameBox = await page.locator("#app-iframe").boundingBox();
    expect(frameBox!.width).toBeGreaterThanOrEqual(380);
    expect(frameBox!.height).toBeGreaterThan(600);
    await settings.click();
    await page.waitForURL(/\/admin\/apps\/commerce-sync\/settings/);
    // The current page's link is marked and in sight, though the strip is wider than the phone.
    const current = page.locator("#app-nav a.active", { hasText: "Settings" });
    await expect.poll(async () => current.count(), { timeout: 20_000 }).toBe(1);
    await expect
      .poll(async () => {
        const at = await current.boundingBox();
        return !!at && at.x >= 0 && at.x + at.width <= 390;
      })
      .toBe(true);
    await page.close();
  });
});
