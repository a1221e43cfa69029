/**
 * Reconnect of a disconnected Shopify store whose kept token Shopify refuses (ADR 0059 addendum), in the mini admin:
 * the refused session is removed, new access is exchanged at once and the store comes back working. Its own shop, so
 * the other specs' stores are untouched.
 */
import { expect, test } from "@playwright/test";
import { expectNoOffHostRequests, expectPage, screenshot, SHOPIFY } from "./support/admin";

const REFUSED_SHOP = "reconnect-refused-e2e.myshopify.com";

expectNoOffHostRequests();

test("Reconnect of a store whose kept access Shopify refused gets new access and reconnects it", async ({
  page,
}) => {
  const created = await fetch(`${SHOPIFY}/_emulator/shops`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ domain: REFUSED_SHOP, seeded: false }),
  });
  expect([200, 201, 409]).toContain(created.status);
  await page.goto(`${SHOPIFY}/admin/apps/commerce-sync/app?shop=${REFUSED_SHOP}`);
  const app = page.frameLocator("#app-iframe");
  await expectPage(app, "Overview");
  await app.getByRole("link", { name: "View details" }).first().click();
  await expect(app.getByRole("heading", { name: "Sync history" })).toBeVisible({ timeout: 30_000 });
  await app.getByRole("button", { name: "Disconnect" }).click();
  await app.getByRole("dialog").getByRole("button", { name: "Disconnect and keep data" }).click();
  await expect(app.getByText("This store no longer syncs")).toBeVisible({ timeout: 30_000 });
  // The merchant revokes the app's access meanwhile: the token kept since the disconnect is refused from now on.
  const revoked = await fetch(`${SHOPIFY}/_emulator/tokens/revoke`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ shop: REFUSED_SHOP }),
  });
  expect(revoked.status).toBe(200);
  await app.getByRole("button", { name: "Reconnect" }).click();
  await expect(
    app.getByText(/^Store reconnected with new access from Shopify, .*; a full sync started\.$/).first(),
  ).toBeVisible({ timeout: 30_000 });
  await expect(app.getByText("This store no longer syncs")).toHaveCount(0);
  await expect(app.getByText("That did not work")).toHaveCount(0);
  await expect(app.getByText("Connected", { exact: true }).first()).toBeVisible({ timeout: 30_000 });
  await expect(app.getByRole("button", { name: "Sync now" })).toBeEnabled();
  // Working, not only flipped: the full sync the reconnect queued reads the shop with the new access, and the history
  // says the merchant started it (afterAuth is told who asked: ADR 0059 addendum), below the first install's.
  await expect(app.getByText("Full · by the merchant")).toHaveCount(1, { timeout: 30_000 });
  await expect(app.getByText("Full · on install")).toHaveCount(1);
  await expect(app.getByText("Succeeded", { exact: true })).toHaveCount(2, { timeout: 30_000 });
  await expect(app.getByText("This store needs attention")).toHaveCount(0);
  await screenshot(page, "detail-reconnected-with-new-access");
});
