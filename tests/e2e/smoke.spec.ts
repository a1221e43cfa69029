import { expect, test } from "@playwright/test";
import { expectAccessible } from "./support/a11y";

test("the production build serves the landing page", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Commerce Sync" })).toBeVisible();
  await expect(page.getByText("Every store, one contact list")).toBeVisible();
  await page.screenshot({ path: "test-results/landing.png", fullPage: true });
  await expectAccessible(page, "the landing page");
});

test("the login page tells a merchant what is wrong with a shop domain", async ({ page }) => {
  await page.goto("/auth/login");
  await page.getByLabel("Shop domain").fill("not a shop");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByText("That is not a Shopify shop domain")).toBeVisible();
  await page.screenshot({ path: "test-results/login-error.png", fullPage: true });
  await expectAccessible(page, "the login page with an error");
});
