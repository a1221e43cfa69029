/**
 * A shop with nothing in it yet, opened for the first time: the overview shows its one store with zero counts and no
 * chart data, and the WooCommerce prompt. Checked by axe and for layout at desktop and phone width (ADR 0053).
 */
import { expect, test } from "@playwright/test";
import {
  expectNoHorizontalOverflow,
  expectNoOffHostRequests,
  expectNothingClipped,
  expectPage,
  screenshot,
  SHOPIFY,
} from "./support/admin";
import { expectAccessible } from "./support/a11y";

const EMPTY_SHOP = "empty-e2e.myshopify.com";

expectNoOffHostRequests();

test("a shop with no customers, orders or products: its overview at desktop and phone width", async ({
  page,
}) => {
  const created = await fetch(`${SHOPIFY}/_emulator/shops`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ domain: EMPTY_SHOP, seeded: false }),
  });
  expect([200, 201, 409]).toContain(created.status);
  for (const width of [1280, 420]) {
    await page.setViewportSize({ width, height: 720 });
    await page.goto(`${SHOPIFY}/admin/apps/commerce-sync/app?shop=${EMPTY_SHOP}`);
    const app = page.frameLocator("#app-iframe");
    await expectPage(app, "Overview");
    await expect(app.getByRole("heading", { name: "Stores", level: 2 })).toBeVisible();
    // Its own store, installed by this first opening (no "not set up yet", no store needing attention).
    await expect(app.getByText(`Shopify · ${EMPTY_SHOP}`)).toBeVisible();
    await expect(app.getByText("This store needs attention")).toHaveCount(0);
    await expect(app.getByText("Also selling with WooCommerce?")).toBeVisible();
    for (const total of ["contacts", "orders", "products"])
      await expect(app.getByTestId(`total-${total}`).getByText("0", { exact: true })).toBeVisible();
    await expectNoHorizontalOverflow(page, "empty overview");
    await expectNothingClipped(page, "empty overview");
    await screenshot(page, `empty-overview-${width}`);
    await expectAccessible(page, `the overview of an empty shop at ${width}px`);
  }
});
