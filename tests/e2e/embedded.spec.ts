import { expect, test } from "@playwright/test";
import { expectPage, openApp, screenshot } from "./support/admin";

test("a merchant opens the embedded app in the Shopify admin and sees the overview", async ({ page }) => {
  const app = await openApp(page);
  // Token exchange and afterAuth ran: the shop's integration exists and shows on the overview.
  await expectPage(app, "Overview");
  await expect(app.getByRole("heading", { name: "Stores" })).toBeVisible();
  await expect(app.getByText("demo.myshopify.com")).toBeVisible();
  await expect(app.getByText("Integration id").first()).toBeVisible();
  await screenshot(page, "embedded-overview");
});
