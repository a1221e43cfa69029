import { readFileSync } from "node:fs";
import { expect, test, type FrameLocator } from "@playwright/test";
import { createSharedCustomers } from "../../scripts/lib/demo-shared-customers";
import {
  expectNoHorizontalOverflow,
  expectNothingClipped,
  expectPage,
  openApp,
  recordOffHostRequests,
  screenshot,
  SHOP,
  SHOPIFY,
} from "./support/admin";
import { expectAccessible } from "./support/a11y";

// No page loads anything from off this machine (no Shopify CDN, fonts, admin.shopify.com).
let offHost: string[] = [];
test.beforeEach(({ page }) => {
  offHost = recordOffHostRequests(page);
});
test.afterEach(() => expect(offHost, "requests that left 127.0.0.1").toEqual([]));

test.describe.configure({ mode: "serial" });

test("the admin's navigation menu leads to every page of the app, each usable at three widths", async ({
  page,
}) => {
  // Seven pages, three widths each, a screenshot and an axe check per view: about 30 s on an idle two-core machine,
  // over 60 s (the default) on a busy one.
  test.setTimeout(180_000);
  let app = await openApp(page);
  await expectPage(app, "Overview");
  // The app's NavMenu is shown by the admin (as in Shopify's sidebar).
  const nav = page.locator("#app-nav");
  await expect(nav.getByRole("link", { name: "Contacts" })).toBeVisible();
  for (const [link, title, shot] of [
    ["Contacts", "Contacts", "nav-contacts"],
    ["Orders", "Orders", "nav-orders"],
    ["Products", "Products", "nav-products"],
    ["Settings", "Settings", "nav-settings"],
  ] as const) {
    await nav.getByRole("link", { name: link }).click();
    app = page.frameLocator("#app-iframe");
    await expectPage(app, title);
    await screenshot(page, shot);
  }
  // Every page at three widths: nothing wider than the window (the admin or the app's frame), full-page shots.
  app = await openApp(page);
  await expectPage(app, "Overview");
  const detail = await app.getByRole("link", { name: "View details" }).first().getAttribute("href");
  const detailPath = /\/app(\/integrations\/[^?]+)/.exec(detail ?? "")?.[1];
  expect(detailPath, `the detail link ${detail}`).toBeTruthy();
  for (const width of [1280, 768, 420]) {
    await page.setViewportSize({ width, height: 720 });
    for (const [path, title, name] of [
      ["", "Overview", "overview"],
      [detailPath!, null, "detail"],
      ["/contacts", "Contacts", "contacts"],
      ["/orders", "Orders", "orders"],
      ["/products", "Products", "products"],
      ["/settings", "Settings", "settings"],
      ["/woocommerce/connect", "Connect WooCommerce", "connect"],
    ] as const) {
      app = await openApp(page, path);
      if (title) await expectPage(app, title);
      else await expect(app.getByRole("heading", { name: "Sync history" })).toBeVisible({ timeout: 30_000 });
      await expectLayoutFor(app, name, width);
      await expectNoHorizontalOverflow(page, name);
      await expectNothingClipped(page, name);
      await screenshot(page, `${name}-${width}`);
      if (width !== 768) await expectAccessible(page, name);
    }
  }
});

const MONEY = /\d\.\d{2} [A-Z]{3}/;
// The emulated Shopify shop and the WooCommerce store that journey.spec.ts connects.
const STORE = /Demo|E2E Woo Store/;

/**
 * The layout each width should get once the page is hydrated (Polaris's breakpoints are read in the browser): below
 * 768 px the contacts and orders are condensed lists whose every row still shows all its fields, and the sync history
 * is a stacked list; wider, the tables with their columns.
 */
async function expectLayoutFor(app: FrameLocator, name: string, width: number) {
  const phone = width < 768;
  const condensedRows = app.locator(".Polaris-IndexTable__CondensedList > li");
  const header = (title: string) => app.getByRole("columnheader", { name: title, exact: true });
  if (name === "orders") {
    if (phone) {
      await expect(condensedRows).toHaveCount(25);
      for (const row of await condensedRows.all()) {
        // Order number, date, store, customer, payment and fulfillment badges, total.
        const text = (await row.textContent()) ?? "";
        expect(text).toMatch(/#\d+/);
        expect(text).toMatch(/[A-Z][a-z]{2} \d{1,2}, \d{4}/);
        expect(text).toMatch(STORE);
        const badges = await row.locator(".Polaris-Badge").count();
        expect(badges + (text.includes("No payment status") ? 1 : 0), text).toBeGreaterThanOrEqual(2);
        expect(text).toMatch(/[Ff]ulfilled/);
        expect(text).toMatch(MONEY);
      }
    } else {
      await expect(header(width < 1040 ? "Status" : "Fulfillment")).toBeVisible();
      await expect(header("Total")).toBeVisible();
    }
  } else if (name === "contacts") {
    if (phone) {
      await expect(condensedRows).toHaveCount(25);
      for (const row of await condensedRows.allTextContents()) {
        // Name or email, consent, stores, orders count, total spent (or a dash when nothing was bought).
        expect(row).toMatch(/@|\+\d/);
        expect(row).toMatch(
          /[Ss]ubscribed|Pending confirmation|Invalid address|Redacted|Not recorded by the store/,
        );
        expect(row).toMatch(STORE);
        expect(row).toMatch(/\d+ orders?/);
        expect(row).toMatch(new RegExp(`${MONEY.source}|—`));
      }
    } else await expect(header("Total spent")).toBeVisible();
  } else if (name === "products") {
    if (phone) {
      await expect(condensedRows.first()).toBeVisible();
      for (const row of await condensedRows.allTextContents()) {
        // Title, store, variants, date, status badge, price (or "No price").
        expect(row).toMatch(STORE);
        expect(row).toMatch(/\d+ variants? · updated [A-Z][a-z]{2} \d{1,2}, \d{4}/);
        expect(row).toMatch(/Active|Draft|Archived|Unlisted|Published|Pending review|Private|Scheduled/);
        expect(row).toMatch(new RegExp(`${MONEY.source}|No price`));
      }
    } else {
      await expect(header(width < 1040 ? "Status" : "Variants")).toBeVisible();
      await expect(header("Price")).toBeVisible();
    }
  } else if (name === "detail") {
    if (phone) {
      await expect(header("Duration")).toHaveCount(0);
      await expect(app.getByText(/^Customer records .+ · Orders .+ · Products .+$/).first()).toBeVisible();
    } else {
      await expect(header("Duration")).toBeVisible();
      // The history counts the store's customer records; the store's own count includes guest buyers.
      await expect(header("Customer records")).toBeVisible();
    }
    await expect(app.getByText("Contacts (incl. guest buyers)", { exact: true })).toBeVisible();
  } else if (name === "overview") {
    await expect(app.getByText("Contacts (incl. guest buyers)", { exact: true }).first()).toBeVisible();
    // Every store card puts "View details" in the same place, whatever the length of its id (a WooCommerce store's
    // UUID is longer than a Shopify cuid): at the right wider, under the id on a phone.
    // (Two cards when journey.spec.ts has connected its WooCommerce store, as in the full suite.)
    const links = app.getByRole("link", { name: "View details" });
    await expect(links.first()).toBeVisible();
    const lefts = await Promise.all((await links.all()).map(async (link) => (await link.boundingBox())?.x));
    expect(new Set(lefts).size, `the "View details" links start at ${lefts.join(" and ")} px`).toBe(1);
  }
}

test("the overview and contacts are usable with the keyboard alone", async ({ page }) => {
  const app = await openApp(page, "/contacts");
  await expectPage(app, "Contacts");
  const search = app.getByLabel("Search contacts");
  await search.focus();
  await page.keyboard.type("nobody-here@example.invalid");
  await page.keyboard.press("Enter");
  await expect(app.getByText("No contact matches your search")).toBeVisible();
  await screenshot(page, "contacts-no-match");
  await expectAccessible(page, "contacts, no match");
});

test("the orders and products filters narrow their lists and keep the other filters", async ({ page }) => {
  const app = await openApp(page, "/orders");
  await expectPage(app, "Orders");
  // The first payment status the orders have (the choices are the values present).
  const payment = app.getByLabel("Payment status");
  const [value, label] = await payment
    .locator("option")
    .nth(1)
    .evaluate((o: HTMLOptionElement) => [o.value, o.text]);
  const rows = app.locator(".Polaris-IndexTable__TableRow");
  const before = await rows.allTextContents();
  expect(
    before.some((row) => !row.includes(label)),
    "some order of another payment status",
  ).toBe(true);
  await payment.selectOption(value);
  // The list reloads (inside the app's frame) with only that status.
  await expect
    .poll(async () => (await rows.allTextContents()).every((row) => row.includes(label)))
    .toBe(true);
  await expect(rows.first()).toBeVisible();
  await app.getByLabel("Fulfillment status").selectOption("unfulfilled");
  await expect(payment).toHaveValue(value);
  await expect(app.getByLabel("Fulfillment status")).toHaveValue("unfulfilled");

  const products = await openApp(page, "/products");
  await expectPage(products, "Products");
  await products.getByLabel("Search products").fill("SKU-2-");
  await products.getByRole("button", { name: "Search" }).click();
  await expect(products.getByText(/^1 product matching “SKU-2-”$/)).toBeVisible();
  await products.getByLabel("Status").selectOption("active");
  await expect(products.getByLabel("Status")).toHaveValue("active");
  await expect(products.getByText(/^1 product matching “SKU-2-”$/)).toBeVisible();
  await screenshot(page, "products-filtered");
});

test("an unknown page of the app is a Polaris 404 with a way back", async ({ page }) => {
  const app = await openApp(page, "/no-such-page");
  await expect(app.getByRole("heading", { name: "Page not found" })).toBeVisible({
    timeout: 30_000,
  });
  await expect(app.getByRole("link", { name: "Go to the overview" })).toBeVisible();
  await screenshot(page, "app-404");
  await expectAccessible(page, "the app's 404");
  const unknownId = await openApp(page, "/integrations/not-an-integration");
  await expect(unknownId.getByRole("heading", { name: "Page not found" })).toBeVisible({
    timeout: 30_000,
  });
  const outside = await page.goto("/not-a-page");
  expect(outside?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await page.screenshot({ path: "test-results/standalone-404.png", fullPage: true });
  await expectAccessible(page, "the standalone 404");
});

test("Settings creates an API token shown once; the API accepts it until it is revoked", async ({ page }) => {
  const app = await openApp(page, "/settings");
  await expectPage(app, "Settings");
  await app.getByLabel("Token name").fill("Support desk");
  await app.getByRole("button", { name: "Create token" }).click();
  const shown = app.getByTestId("new-api-token");
  await expect(shown).toBeVisible();
  const token = (await shown.textContent())?.trim() ?? "";
  expect(token).toMatch(/^cst_/);
  await expectNothingClipped(page, "settings with a token");
  await screenshot(page, "settings-token-created");
  await expectAccessible(page, "settings with a new token");
  // The token list on a phone: a stacked block per token, nothing cut off.
  await page.setViewportSize({ width: 420, height: 720 });
  const phone = await openApp(page, "/settings");
  await expect(phone.getByRole("columnheader", { name: "Last used" })).toHaveCount(0, { timeout: 30_000 });
  await expect(phone.getByText(/^Created .+ · Last used not yet$/).first()).toBeVisible();
  await expectNoHorizontalOverflow(page, "settings with a token");
  await expectNothingClipped(page, "settings with a token");
  await screenshot(page, "settings-token-420");
  await page.setViewportSize({ width: 1280, height: 720 });
  await expectPage(await openApp(page, "/settings"), "Settings");

  const listed = await page.request.get("/api/integrations", {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(listed.status()).toBe(200);
  const stores = (await listed.json()) as Array<{ storeKey: string; status: string }>;
  expect(stores.map((s) => s.storeKey)).toContain(SHOP);

  // Revoking asks first: a tool using the token stops at once, and a click on the wrong row cannot be undone.
  await app.getByRole("button", { name: "Revoke token Support desk" }).click();
  const confirm = app.getByRole("dialog");
  await expect(confirm.getByText(/stop working at once/)).toBeVisible();
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toHaveCount(0);
  const kept = await page.request.get("/api/integrations", { headers: { Authorization: `Bearer ${token}` } });
  expect(kept.status()).toBe(200);
  await app.getByRole("button", { name: "Revoke token Support desk" }).click();
  await confirm.getByRole("button", { name: "Revoke token" }).click();
  // The badge (exact: the dialog's own text says "A revoked token cannot be turned back on" until it closes).
  await expect(confirm).toHaveCount(0);
  await expect(app.getByText("Revoked", { exact: true })).toBeVisible();
  const refused = await page.request.get("/api/integrations", {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(refused.status()).toBe(401);
  const doc = await page.request.get("/api/openapi.json");
  expect((await doc.json()).paths["/api/integrations"]).toBeDefined();
});

test("the Shopify customer page's block shows a customer of both stores: consent, stores, orders, total spent", async ({
  page,
}) => {
  test.setTimeout(150_000);
  await expectPage(await openApp(page), "Overview");
  // One person, one email, orders in both stores: 19.99 + 100.01 in Shopify, 45.50 in WooCommerce.
  const wooUrl = (JSON.parse(readFileSync("tmp/e2e/woocommerce.json", "utf8")) as { url: string }).url;
  const [customer] = await createSharedCustomers({ shopifyUrl: SHOPIFY, shop: SHOP, wooUrl }, [
    {
      firstName: "Amara",
      lastName: "Both-Stores",
      email: `amara.${Date.now()}@example.com`,
      shopifyOrders: ["19.99", "100.01"],
      wooOrders: ["45.50"],
    },
  ]);
  expect(customer).toMatchObject({ ordersCount: 3, totalSpent: "165.50" });

  // The Shopify side arrives by webhook; the WooCommerce store is (re)connected from the app, which syncs it.
  const app = await openApp(page, "/woocommerce/connect");
  const form = app.getByRole("form", { name: "Paste REST API keys" });
  await expect(form).toBeVisible({ timeout: 30_000 });
  const key = (await (
    await fetch(`${wooUrl}/_emulator/keys`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ permissions: "read_write" }),
    })
  ).json()) as { consumer_key: string; consumer_secret: string };
  await form.getByLabel("Store address").fill(wooUrl);
  await form.getByLabel("Consumer key").fill(key.consumer_key);
  await form.getByLabel("Consumer secret").fill(key.consumer_secret);
  await form.getByRole("button", { name: "Connect" }).click();
  await expect(app.getByText("E2E Woo Store is connected")).toBeVisible({ timeout: 30_000 });

  // The customer's page in the admin: the block asks the app with the merchant's session token.
  const block = page.frameLocator("iframe.block").locator("s-admin-block");
  await expect
    .poll(
      async () => {
        await page.goto(`${SHOPIFY}/admin/customers/${customer.shopifyCustomerId}?shop=${SHOP}`);
        await expect(block).toHaveAttribute("heading", "Commerce Sync profile", { timeout: 30_000 });
        await expect(block.locator("s-spinner")).toHaveCount(0, { timeout: 15_000 });
        return block.textContent();
      },
      { timeout: 90_000, intervals: [2_000] },
    )
    .toContain("E2E Woo Store");
  await expect(block.locator("s-banner")).toHaveCount(0);
  // Consent: the newest store record wins (WooCommerce records carry none and read "not subscribed",
  // docs/decisions/0020). The customer now confirms their email subscription in the Shopify store.
  const patched = await fetch(`${SHOPIFY}/_emulator/shops/${SHOP}/customers/${customer.shopifyCustomerId}`, {
    method: "PATCH",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      emailConsent: {
        marketingState: "SUBSCRIBED",
        marketingOptInLevel: "CONFIRMED_OPT_IN",
        marketingUpdatedAt: new Date().toISOString(),
      },
    }),
  });
  expect(patched.status).toBe(200);
  await expect
    .poll(
      async () => {
        await page.reload();
        await expect(block.locator("s-spinner")).toHaveCount(0, { timeout: 15_000 });
        return block.locator("s-badge").first().textContent();
      },
      { timeout: 60_000, intervals: [2_000] },
    )
    .toBe("Subscribed to email (confirmed)");
  const stores = block.locator("s-badge[tone=info]");
  await expect(stores).toHaveCount(2);
  expect((await stores.allTextContents()).sort()).toEqual(["Demo", "E2E Woo Store"]);
  await expect(block.getByText("3", { exact: true })).toBeVisible();
  await expect(block.getByText("165.50 USD", { exact: true })).toBeVisible();
  await page.screenshot({ path: "test-results/admin-block.png", fullPage: true });
});

test("a shop whose access Shopify refused is reconnected by opening the app again, as its page says", async ({
  page,
}) => {
  let app = await openApp(page);
  await expectPage(app, "Overview");
  await app.getByRole("link", { name: "View details" }).first().click();
  await expect(app.getByRole("heading", { name: "Sync history" })).toBeVisible({ timeout: 30_000 });
  const revoked = await fetch(`${SHOPIFY}/_emulator/tokens/revoke`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ shop: SHOP }),
  });
  expect(revoked.status).toBe(200);
  await app.getByRole("button", { name: "Sync now" }).click();
  await expect(
    app.getByText(/Open the app again from the Shopify admin \(or reload it\)/).first(),
  ).toBeVisible({
    timeout: 30_000,
  });
  await screenshot(page, "detail-access-refused");
  // Opening the app again finds the stored token refused, exchanges a new one (through shopify-app-remix's bounce
  // page, framed by the mini admin) and syncs what the failed sync missed: the store is healthy again.
  await expect(async () => {
    app = await openApp(page);
    await expectPage(app, "Overview");
    await app.getByRole("link", { name: "View details" }).first().click();
    await expect(app.getByText(/^Last sync: /)).toBeVisible({ timeout: 10_000 });
    await expect(app.getByText("This store needs attention")).toHaveCount(0);
  }).toPass({ timeout: 60_000 });
  await screenshot(page, "detail-access-back");
});

test("a store's automatic syncs are changed on its detail page, saved and shown after a reload", async ({
  page,
}) => {
  const app = await openApp(page);
  await expectPage(app, "Overview");
  await app.getByRole("link", { name: "View details" }).first().click();
  await expect(app.getByRole("heading", { name: "Automatic syncs" })).toBeVisible({ timeout: 30_000 });
  // The deployment's defaults (RECONCILE_INTERVAL_MINUTES 60, no nightly window).
  await expect(app.getByText(/^Every hour this store is checked for changes/)).toBeVisible();
  await expect(app.getByText("No nightly full re-sync.")).toBeVisible();
  const save = app.getByRole("button", { name: "Save", exact: true });
  await expect(save).toBeDisabled();
  await app.getByLabel("Check for changes").selectOption({ label: "Every 15 minutes" });
  await app.getByLabel("Nightly full re-sync").selectOption({ label: "02:00–04:00 UTC" });
  await save.click();
  await expect(app.getByText("Automatic syncs saved").first()).toBeVisible({ timeout: 15_000 });
  await expect(app.getByText(/^Every 15 minutes this store is checked for changes/)).toBeVisible();
  await expect(
    app.getByText(/^Every night between 02:00 and 04:00 UTC the whole store is read again/),
  ).toBeVisible();
  await screenshot(page, "detail-automatic-syncs");

  // A fresh load of the app (the admin reopens it at its overview) shows what was stored.
  await page.reload();
  await expectPage(app, "Overview");
  await app.getByRole("link", { name: "View details" }).first().click();
  await expect(app.getByRole("heading", { name: "Automatic syncs" })).toBeVisible({ timeout: 30_000 });
  await expect(app.getByLabel("Check for changes")).toHaveValue("15");
  await expect(app.getByLabel("Nightly full re-sync")).toHaveValue("02:00-04:00");
  // Back to the defaults, so the tests after this one see the store as installed.
  await app.getByLabel("Check for changes").selectOption({ value: "default" });
  await app.getByLabel("Nightly full re-sync").selectOption({ value: "default" });
  await app.getByRole("button", { name: "Save", exact: true }).click();
  await expect(app.getByText(/^Every hour this store is checked for changes/)).toBeVisible({
    timeout: 15_000,
  });
});

test("a store's detail page disconnects it (keeping the data) and reconnects it", async ({ page }) => {
  const app = await openApp(page);
  await expectPage(app, "Overview");
  await app.getByRole("link", { name: "View details" }).first().click();
  await expect(app.getByRole("heading", { name: "Sync history" })).toBeVisible({ timeout: 30_000 });
  await expect(app.getByRole("heading", { name: "Webhook activity" })).toBeVisible();
  await screenshot(page, "detail-before-disconnect");
  await app.getByRole("button", { name: "Disconnect" }).click();
  const dialog = app.getByRole("dialog");
  await expect(dialog.getByText("Keep them")).toBeVisible();
  await screenshot(page, "detail-disconnect-modal");
  await expectAccessible(page, "the disconnect confirmation");
  await dialog.getByRole("button", { name: "Disconnect and keep data" }).click();
  // The disconnect first cleans up the store over HTTP: allow a loaded machine more than the default 5 s.
  await expect(app.getByText("This store no longer syncs")).toBeVisible({ timeout: 30_000 });
  await expect(app.getByText("Store disconnected; its data was kept").first()).toBeVisible();
  await expect(app.getByText("Disconnected", { exact: true }).first()).toBeVisible();
  await expect(app.getByRole("button", { name: "Sync now" })).toBeDisabled();
  await screenshot(page, "detail-disconnected");
  await expectAccessible(page, "a disconnected store");
  // The shop's session outlives a disconnect: the page reconnects the store in place (ADR 0059).
  await app.getByRole("button", { name: "Reconnect" }).click();
  const reconnected = app.getByText("Store reconnected; a full sync started.").first();
  await expect(reconnected).toBeVisible({ timeout: 30_000 });
  await expect(app.getByText("This store no longer syncs")).toHaveCount(0);
  await expect(app.getByText("Connected", { exact: true }).first()).toBeVisible({ timeout: 30_000 });
  await expect(app.getByRole("button", { name: "Sync now" })).toBeEnabled();
  await screenshot(page, "detail-reconnected");
});
