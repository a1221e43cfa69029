/**
 * A Shopify merchant's whole journey in the embedded app (inside the emulator's mini admin): install → overview
 * with real counts → a store's page → Sync now → live progress → history → connect WooCommerce (a wrong key
 * first, then the right one) → contacts search → the chart → disconnect. Screenshots in test-results/journey-*.
 */
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { expectNoOffHostRequests, expectPage, openApp, screenshot } from "./support/admin";
import { expectAccessible } from "./support/a11y";

expectNoOffHostRequests();

const woo = () => JSON.parse(readFileSync("tmp/e2e/woocommerce.json", "utf8")) as { url: string };

async function wooControl(path: string, body: unknown) {
  const res = await fetch(`${woo().url}/_emulator/${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.ok).toBe(true);
  return (await res.json()) as Record<string, string>;
}

const count = async (text: string | null) => Number((text ?? "").replace(/[^0-9]/g, ""));

test("install → counts → sync now → progress → history → connect WooCommerce → contacts → chart → disconnect", async ({
  page,
}) => {
  test.setTimeout(180_000);
  // Install: opening the app from the admin runs token exchange and the first full sync.
  let app = await openApp(page);
  await expectPage(app, "Overview");
  await expect(app.getByText("demo.myshopify.com").first()).toBeVisible();
  await expect
    .poll(async () => count(await app.getByTestId("total-orders").textContent()), { timeout: 60_000 })
    .toBeGreaterThanOrEqual(60);
  expect(await count(await app.getByTestId("total-contacts").textContent())).toBeGreaterThanOrEqual(30);
  await expect(app.getByTestId("orders-chart")).toBeVisible({ timeout: 30_000 });
  await screenshot(page, "journey-1-overview");

  // The Shopify store's page: Sync now, then its run in the history.
  await app.getByRole("link", { name: "View details" }).first().click();
  await expect(app.getByRole("heading", { name: "Sync history" })).toBeVisible({ timeout: 30_000 });
  await app.getByRole("button", { name: "Sync now" }).click();
  await expect(app.getByText("Incremental sync queued")).toBeVisible();
  await expect(app.getByRole("cell", { name: "Incremental" }).first()).toBeVisible({ timeout: 30_000 });
  await screenshot(page, "journey-2-shopify-detail");

  // Connect WooCommerce from the app: a wrong secret first, then the right key.
  await page.locator("#app-nav").getByRole("link", { name: "Connect WooCommerce" }).click();
  app = page.frameLocator("#app-iframe");
  const form = app.getByRole("form", { name: "Paste REST API keys" });
  await expect(form).toBeVisible({ timeout: 30_000 });
  const key = await wooControl("keys", { permissions: "read_write" });
  await form.getByLabel("Store address").fill(woo().url);
  await form.getByLabel("Consumer key").fill(key.consumer_key);
  await form.getByLabel("Consumer secret").fill(`cs_${"0".repeat(40)}`);
  await form.getByRole("button", { name: "Connect" }).click();
  await expect(app.getByText("WooCommerce rejected the API key (401)")).toBeVisible({ timeout: 30_000 });
  await screenshot(page, "journey-3-woo-wrong-key");
  await form.getByLabel("Consumer secret").fill(key.consumer_secret);
  await form.getByRole("button", { name: "Connect" }).click();
  await expect(app.getByText("E2E Woo Store is connected")).toBeVisible({ timeout: 30_000 });
  await screenshot(page, "journey-4-woo-connected");

  // The WooCommerce store's page: a full re-sync against a slow store shows live progress, then its history.
  app = await openApp(page);
  await expectPage(app, "Overview");
  await app.getByRole("link", { name: "E2E Woo Store" }).click();
  await expect(app.getByRole("heading", { name: "Sync history" })).toBeVisible({ timeout: 30_000 });
  await expect(app.getByText("Succeeded").first()).toBeVisible({ timeout: 60_000 });
  await wooControl("latency", { latency_ms: 1_500 });
  try {
    await app.getByRole("button", { name: "Full re-sync" }).click();
    await expect(app.getByRole("heading", { name: "Syncing now" })).toBeVisible({ timeout: 30_000 });
    await expect(app.getByRole("progressbar").first()).toBeVisible();
    await screenshot(page, "journey-5-woo-progress");
    await expectAccessible(page, "a sync in progress");
  } finally {
    await wooControl("latency", { latency_ms: 0 });
  }
  await expect(app.getByRole("heading", { name: "Syncing now" })).toBeHidden({ timeout: 60_000 });
  await expect(app.getByRole("cell", { name: "Full" }).first()).toBeVisible();
  await screenshot(page, "journey-6-woo-history");

  // Contacts: search by name; a contact lists the stores it comes from.
  app = await openApp(page, "/contacts");
  await expectPage(app, "Contacts");
  const firstEmail =
    (await app.getByRole("cell").filter({ hasText: "@" }).first().textContent())?.trim() ?? "";
  expect(firstEmail).toContain("@");
  await app.getByLabel("Search contacts").fill(firstEmail);
  await app.getByLabel("Search contacts").press("Enter");
  await expect(app.getByText(firstEmail).first()).toBeVisible();
  await screenshot(page, "journey-7-contacts-search");

  // Disconnect the WooCommerce store, keeping its data.
  app = await openApp(page);
  await app.getByRole("link", { name: "E2E Woo Store" }).click();
  await expect(app.getByRole("heading", { name: "Sync history" })).toBeVisible({ timeout: 30_000 });
  await app.getByRole("button", { name: "Disconnect" }).click();
  const dialog = app.getByRole("dialog");
  await expect(dialog.getByText("Keep them")).toBeVisible();
  await dialog.getByRole("button", { name: "Disconnect and keep data" }).click();
  await expect(app.getByText("Store disconnected; its data was kept").first()).toBeVisible({
    timeout: 30_000,
  });
  await expect(app.getByRole("button", { name: "Sync now" })).toBeDisabled();
  await screenshot(page, "journey-8-woo-disconnected");
  // The way back is on the page: the connect page, with the store's address filled in.
  await app.getByRole("link", { name: "Reconnect" }).click();
  await expectPage(app, "Connect WooCommerce");
  await expect(
    app.getByRole("form", { name: "Paste REST API keys" }).getByLabel("Store address"),
  ).toHaveValue(/^http:\/\/127\.0\.0\.1:\d+$/);
});
