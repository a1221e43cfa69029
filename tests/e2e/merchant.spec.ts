import { expect, test } from "@playwright/test";
import { expectPage, openApp, screenshot, SHOP, SHOPIFY } from "./support/admin";

test.describe.configure({ mode: "serial" });

test("the admin's navigation menu leads to every page of the app, each usable at three widths", async ({
  page,
}) => {
  let app = await openApp(page);
  await expectPage(app, "Overview");
  // The app's NavMenu is shown by the admin (as in Shopify's sidebar).
  const nav = page.locator("#app-nav");
  await expect(nav.getByRole("link", { name: "Contacts" })).toBeVisible();
  for (const [link, title, shot] of [
    ["Contacts", "Contacts", "nav-contacts"],
    ["Orders", "Orders", "nav-orders"],
    ["Settings", "Settings", "nav-settings"],
  ] as const) {
    await nav.getByRole("link", { name: link }).click();
    app = page.frameLocator("#app-iframe");
    await expectPage(app, title);
    await screenshot(page, shot);
  }
  for (const width of [1280, 768, 420]) {
    await page.setViewportSize({ width, height: 720 });
    app = await openApp(page);
    await expectPage(app, "Overview");
    // Nothing wider than the frame: no horizontal scrolling inside the app.
    const frame = page.frames().find((f) => f !== page.mainFrame())!;
    const overflow = await frame.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, `horizontal overflow at ${width}px`).toBeLessThanOrEqual(1);
    await screenshot(page, `overview-${width}`);
  }
});

test("the overview and contacts are usable with the keyboard alone", async ({ page }) => {
  const app = await openApp(page, "/contacts");
  await expectPage(app, "Contacts");
  const search = app.getByLabel("Search contacts");
  await search.focus();
  await page.keyboard.type("nobody-here@example.invalid");
  await page.keyboard.press("Enter");
  await expect(app.getByText("No contact matches your search")).toBeVisible();
  await screenshot(page, "contacts-no-match");
});

test("an unknown page of the app is a Polaris 404 with a way back", async ({ page }) => {
  const app = await openApp(page, "/no-such-page");
  await expect(app.getByRole("heading", { name: "Page not found" })).toBeVisible({
    timeout: 30_000,
  });
  await expect(app.getByRole("link", { name: "Go to the overview" })).toBeVisible();
  await screenshot(page, "app-404");
  const unknownId = await openApp(page, "/integrations/not-an-integration");
  await expect(unknownId.getByRole("heading", { name: "Page not found" })).toBeVisible({
    timeout: 30_000,
  });
  const outside = await page.goto("/not-a-page");
  expect(outside?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await page.screenshot({ path: "test-results/standalone-404.png", fullPage: true });
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
  await screenshot(page, "settings-token-created");

  const listed = await page.request.get("/api/integrations", {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(listed.status()).toBe(200);
  const stores = (await listed.json()) as Array<{ storeKey: string; status: string }>;
  expect(stores.map((s) => s.storeKey)).toContain(SHOP);

  await app.getByRole("button", { name: "Revoke token Support desk" }).click();
  await expect(app.getByText("Revoked")).toBeVisible();
  const refused = await page.request.get("/api/integrations", {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(refused.status()).toBe(401);
  const doc = await page.request.get("/api/openapi.json");
  expect((await doc.json()).paths["/api/integrations"]).toBeDefined();
});

test("the Shopify customer page shows the Commerce Sync block", async ({ page }) => {
  await openApp(page);
  await page.goto(`${SHOPIFY}/admin/customers?shop=${SHOP}`);
  await page.getByRole("main").getByRole("link").first().click();
  const block = page.frameLocator("iframe.block");
  await expect(block.locator("s-admin-block")).toHaveAttribute("heading", "Commerce Sync profile", {
    timeout: 30_000,
  });
  // The block asked the app with the merchant's session token and shows its answer, not an error.
  await expect(block.locator("s-banner")).toHaveCount(0);
  await expect(block.locator("s-spinner")).toHaveCount(0, { timeout: 15_000 });
  await page.screenshot({ path: "test-results/admin-block.png", fullPage: true });
});

test("a store's detail page disconnects it behind a confirmation that keeps the data", async ({ page }) => {
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
  await dialog.getByRole("button", { name: "Disconnect and keep data" }).click();
  await expect(app.getByText("Store disconnected; its data was kept").first()).toBeVisible();
  await expect(app.getByText("Disconnected", { exact: true }).first()).toBeVisible();
  await expect(app.getByRole("button", { name: "Sync now" })).toBeDisabled();
  await screenshot(page, "detail-disconnected");
});
