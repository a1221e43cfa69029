import { expect, test } from "@playwright/test";

const SHOPIFY = `http://127.0.0.1:${process.env.E2E_SHOPIFY_PORT || 4310}`;

test("a merchant opens the embedded app in the Shopify admin and sees the dashboard", async ({ page }) => {
  await page.goto(`${SHOPIFY}/admin/apps/commerce-sync?shop=demo.myshopify.com`);
  const app = page.frameLocator("iframe").first();
  // Token exchange and afterAuth ran: the shop's integration exists and shows on the dashboard.
  await expect(app.getByRole("heading", { name: "Connected stores" })).toBeVisible({ timeout: 30_000 });
  await expect(app.getByText("demo.myshopify.com")).toBeVisible();
  await expect(app.getByText("Connected", { exact: true })).toBeVisible();
  await page.screenshot({ path: "test-results/embedded-dashboard.png", fullPage: true });
});
