/**
 * What a merchant does with the app and its stores: API tokens, the customer page's block across both stores, a
 * shop whose access was refused, a store's automatic syncs, and disconnecting and reconnecting a store (last: the
 * tests before it need the store connected).
 */
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { createSharedCustomers } from "../../scripts/lib/demo-shared-customers";
import {
  expectNoHorizontalOverflow,
  expectNoOffHostRequests,
  expectNothingClipped,
  expectPage,
  openApp,
  screenshot,
  SHOP,
  SHOPIFY,
} from "./support/admin";
import { expectAccessible } from "./support/a11y";

expectNoOffHostRequests();

test.describe.configure({ mode: "serial" });

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
