/**
 * The WooCommerce-only owner, in a browser: connect by pasting keys (errors first), watch the first sync, sign back
 * in through the store's key approval, sign out. Screenshots land in test-results/.
 */
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { expectNoOffHostRequests, expectNothingClipped } from "./support/admin";
import { expectAccessible } from "./support/a11y";

expectNoOffHostRequests();

const woo = () => JSON.parse(readFileSync("tmp/e2e/woocommerce.json", "utf8")) as { url: string };

async function newKey(permissions: "read" | "read_write") {
  const response = await fetch(`${woo().url}/_emulator/keys`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ permissions }),
  });
  return (await response.json()) as { consumer_key: string; consumer_secret: string };
}

async function pasteKeys(
  page: Page,
  storeUrl: string,
  key: { consumer_key: string; consumer_secret: string },
) {
  const card = page.getByRole("form", { name: "Paste REST API keys" });
  await card.getByLabel("Store address").fill(storeUrl);
  await card.getByLabel("Consumer key").fill(key.consumer_key);
  await card.getByLabel("Consumer secret").fill(key.consumer_secret);
  await card.getByRole("button", { name: "Connect" }).click();
}

test.describe.configure({ mode: "serial" });

const SHOPIFY = `http://127.0.0.1:${process.env.E2E_SHOPIFY_PORT || 4310}`;

test("a Shopify merchant connects WooCommerce from inside the embedded app", async ({ page }) => {
  await page.goto(`${SHOPIFY}/admin/apps/commerce-sync/app/woocommerce/connect?shop=demo.myshopify.com`);
  const app = page.frameLocator("iframe").first();
  const form = app.getByRole("form", { name: "Paste REST API keys" });
  await expect(form).toBeVisible({ timeout: 30_000 });
  // The app runs on http here: the same warning as on the standalone page, before anyone is sent to approve.
  await expect(app.getByText("Approval needs Commerce Sync on https")).toBeVisible();
  const key = await newKey("read_write");
  await form.getByLabel("Store address").fill(woo().url);
  await form.getByLabel("Consumer key").fill(key.consumer_key);
  await form.getByLabel("Consumer secret").fill(key.consumer_secret);
  await form.getByRole("button", { name: "Connect" }).click();
  await expect(app.getByText("E2E Woo Store is connected")).toBeVisible({ timeout: 30_000 });
  // The key and secret do not stay in the page once the store is connected.
  await expect(form.getByLabel("Consumer key")).toHaveValue("");
  await expect(form.getByLabel("Consumer secret")).toHaveValue("");
  await expect(form.getByLabel("Store address")).toHaveValue("");
  await page.screenshot({ path: "test-results/embedded-woocommerce-connect.png", fullPage: true });
  await expectAccessible(page, "embedded connect, connected");
  // The banner leads to the new store's page.
  await app.getByRole("link", { name: "View store details" }).click();
  await expect(app.getByRole("heading", { name: "E2E Woo Store" })).toBeVisible({ timeout: 30_000 });
  await expect(app.getByText("Integration id")).toBeVisible();
});

test("an owner who is not signed in is sent to the connect page", async ({ page }) => {
  await page.goto("/woocommerce");
  await expect(page).toHaveURL(/\/woocommerce\/connect/);
  await expect(page.getByRole("heading", { name: "Sign in with your WooCommerce store" })).toBeVisible();
  await page.screenshot({ path: "test-results/woocommerce-connect.png", fullPage: true });
  await expectAccessible(page, "the WooCommerce sign-in");
});

test("a wrong secret and a private-looking address get messages a person can act on", async ({ page }) => {
  await page.goto("/woocommerce/connect");
  const key = await newKey("read_write");
  await pasteKeys(page, woo().url, { ...key, consumer_secret: `cs_${"0".repeat(40)}` });
  await expect(page.getByText("WooCommerce rejected the API key (401)")).toBeVisible();
  await page.screenshot({ path: "test-results/woocommerce-connect-wrong-key.png", fullPage: true });
  await expectAccessible(page, "the WooCommerce sign-in, wrong key");
  await pasteKeys(page, "file:///etc/passwd", key);
  await expect(page.getByText("Only https:// store addresses are supported")).toBeVisible();
  // The key approval's return without an approval started in this browser: its error page.
  await page.goto("/woocommerce/connect/return?success=1&attempt=not-an-attempt");
  await expect(page.getByText("The store was not connected")).toBeVisible();
  await expectAccessible(page, "the key approval's return, refused");
});

test("pasting keys opens the store's status page, filled by the first sync", async ({ page }) => {
  await page.goto("/woocommerce/connect");
  await pasteKeys(page, woo().url, await newKey("read_write"));
  await expect(page).toHaveURL(/\/woocommerce\/stores\//);
  // The embedded test connected this store first: connecting it again here signs the owner in.
  await expect(page.getByText("You are signed in")).toBeVisible();
  await expect(page.getByRole("heading", { name: "E2E Woo Store" })).toBeVisible();
  // The in-process job runner syncs the store; the page follows it.
  await expect(page.getByRole("cell", { name: "Full" }).first()).toBeVisible({ timeout: 30_000 });
  await expect(page.locator("text=Succeeded").first()).toBeVisible({ timeout: 30_000 });
  await page.reload();
  await expect(page.getByRole("heading", { name: "Webhook activity" })).toBeVisible();
  await expect(page.getByText("Integration id")).toBeVisible();
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page.getByText("Incremental sync queued")).toBeVisible();
  await expect(page.getByRole("cell", { name: "Incremental" }).first()).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: "test-results/woocommerce-store-status.png", fullPage: true });
  // The pointer rests on "Sync now" after its click, and Polaris shows its help text in a tooltip then (a failed CI
  // run caught it at the check below): hovered here on purpose, so the check always covers the tooltip.
  await page.getByRole("button", { name: "Full re-sync" }).hover();
  await page.getByRole("button", { name: "Sync now" }).hover();
  await expect(page.getByRole("tooltip")).toContainText("Fetch what changed since the last sync");
  await expectAccessible(page, "a WooCommerce store");
  const statusUrl = page.url();

  await page.goto("/woocommerce");
  await expect(page.getByRole("heading", { name: "Your WooCommerce stores" })).toBeVisible();
  await expect(page.getByRole("link", { name: "View details" })).toBeVisible();
  await page.screenshot({ path: "test-results/woocommerce-stores.png", fullPage: true });
  await expectAccessible(page, "the WooCommerce store list");
  const storePage = new URL(statusUrl).pathname;
  for (const width of [768, 420]) {
    await page.setViewportSize({ width, height: 800 });
    for (const [path, shot] of [
      ["/woocommerce", "woocommerce-stores"],
      [storePage, "woocommerce-store-status"],
    ] as const) {
      await page.goto(path);
      if (path === storePage) {
        await expect(page.getByRole("heading", { name: "Sync history" })).toBeVisible();
        // Phones get the stacked run list once Polaris reads the breakpoint in the browser.
        if (width < 768) await expect(page.getByRole("columnheader", { name: "Duration" })).toHaveCount(0);
      }
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, `horizontal overflow of ${path} at ${width}px`).toBeLessThanOrEqual(1);
      await expectNothingClipped(page, path);
      await page.screenshot({ path: `test-results/${shot}-${width}.png`, fullPage: true });
      if (width < 768) await expectAccessible(page, shot);
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  const missing = await page.goto("/woocommerce/stores/not-one-of-yours");
  expect(missing?.status()).toBe(404);
});

test("a read-only key replacing a Read/Write key: the store page says once what that means", async ({
  page,
}) => {
  // The store is connected with a Read/Write key and synced (the test above). The owner pastes a read-only key.
  await page.goto("/woocommerce/connect");
  await pasteKeys(page, woo().url, await newKey("read"));
  const continueReadOnly = page.getByRole("button", { name: "Continue read-only" });
  await expect(continueReadOnly).toBeVisible({ timeout: 30_000 });
  await continueReadOnly.click();
  await expect(page).toHaveURL(/\/woocommerce\/stores\//, { timeout: 30_000 });
  await expect(page.getByRole("heading", { name: "E2E Woo Store" })).toBeVisible();
  const banners = page.locator(".Polaris-Banner");
  await expect(banners.first()).toBeVisible();
  const said = await banners.allInnerTexts();
  await page.screenshot({ path: "test-results/woocommerce-store-read-only.png", fullPage: true });
  // One statement of the store's state: read-only, changes with the scheduled checks, how to get live updates.
  expect(said, said.join("\n---\n")).toHaveLength(1);
  expect(said[0]).toMatch(/read-only/i);
  expect(said[0]).toMatch(/scheduled checks/);
  expect(said[0]).toMatch(/Read\/Write/);
  // Nothing on the page promises webhooks the key cannot keep.
  await expect(page.getByText(/webhooks carry on/)).toHaveCount(0);
  await expect(page.getByText(/Webhooks bring most changes within seconds/)).toHaveCount(0);
  await expect(page.getByText("Needs attention")).toHaveCount(0);
  await expectAccessible(page, "a WooCommerce store with a read-only key");

  // A Read/Write key again: real-time updates are back, and the read-only statement is gone.
  await page.goto("/woocommerce/connect");
  await pasteKeys(page, woo().url, await newKey("read_write"));
  await expect(page).toHaveURL(/\/woocommerce\/stores\//, { timeout: 30_000 });
  await expect(page.getByText("You are signed in")).toBeVisible();
  await expect(page.getByText(/read-only/i)).toHaveCount(0);
});

test("a store printing PHP notices into its answers: the sync carries on, the page says once what to change", async ({
  page,
}) => {
  // The signed-in owner's store (tests above). The site starts printing a PHP notice before every REST answer.
  const fault = await fetch(`${woo().url}/_emulator/faults`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ type: "php-notice", persistent: true }),
  });
  expect(fault.status).toBeLessThan(300);
  try {
    // The owner signs in by pasting a key (the connection test reads through the notice), then syncs.
    await page.goto("/woocommerce/connect");
    await pasteKeys(page, woo().url, await newKey("read_write"));
    await expect(page).toHaveURL(/\/woocommerce\/stores\//, { timeout: 30_000 });
    await expect(page.getByRole("heading", { name: "E2E Woo Store" })).toBeVisible();
    await page.getByRole("button", { name: "Sync now" }).click();
    await expect(page.getByText("Incremental sync queued")).toBeVisible();
    const banner = page.locator(".Polaris-Banner", { hasText: "PHP notices" });
    await expect(async () => {
      await page.reload();
      await expect(banner).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    // The sync read through the notices: it succeeded, and nothing says the store needs attention.
    await expect(page.locator("text=Succeeded").first()).toBeVisible();
    await expect(page.getByText("Needs attention")).toHaveCount(0);
    await expect(banner).toContainText("syncing carries on");
    await expect(banner).toContainText("WP_DEBUG_DISPLAY");
    await expect(page.locator(".Polaris-Banner", { hasText: "PHP notices" })).toHaveCount(1);
    await page.screenshot({ path: "test-results/woocommerce-store-php-notice.png", fullPage: true });
    await expectAccessible(page, "a WooCommerce store printing PHP notices");
  } finally {
    await fetch(`${woo().url}/_emulator/faults`, { method: "DELETE" });
  }
  // Fixed on the site: the next sync reads clean answers and the statement goes.
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(async () => {
    await page.reload();
    await expect(page.getByText(/PHP notices/)).toHaveCount(0, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
});

test("a sync the store refuses shows as a failed attempt, not as the last sync", async ({ page }) => {
  // The store revokes every key: the next sync is refused (the approval below makes a new one).
  const keys = (await (await fetch(`${woo().url}/_emulator/keys`)).json()) as Array<{ key_id: number }>;
  for (const k of keys) await fetch(`${woo().url}/_emulator/keys/${k.key_id}`, { method: "DELETE" });
  await page.goto(`${SHOPIFY}/admin/apps/commerce-sync/app?shop=demo.myshopify.com`);
  const app = page.frameLocator("iframe").first();
  const synced = app.getByText(/^Last sync: /);
  const failed = app.getByText(/^Last sync attempt: .+ · failed$/);
  // Both stores (Shopify, then WooCommerce) synced.
  await expect(synced).toHaveCount(2, { timeout: 30_000 });
  await app.getByRole("link", { name: "View details" }).last().click();
  await expect(app.getByRole("heading", { name: "E2E Woo Store" })).toBeVisible({ timeout: 30_000 });
  await app.getByRole("button", { name: "Sync now" }).click();
  await expect(failed).toBeVisible({ timeout: 30_000 });
  await expect(app.getByText("Needs attention").first()).toBeVisible();
  // The run's errors are named after their run (two failed runs' buttons are told apart) and open in words.
  await app
    .getByRole("button", { name: /^Show \d+ errors? of the sync started / })
    .first()
    .click();
  await expect(
    app.getByText(/^Customers could not be read: The store refused Commerce Sync's API key \(401\)/),
  ).toBeVisible();
  // The key worked until the store revoked it: not a copy mistake, and the page says what to do.
  await expect(app.getByText(/copied whole/)).toHaveCount(0);
  await expect(
    app.getByText(/revoked or deleted in WooCommerce → Settings → Advanced → REST API/).first(),
  ).toBeVisible();
  await page.screenshot({ path: "test-results/embedded-store-sync-failed.png", fullPage: true });
  await expectAccessible(page, "a store whose sync failed");
  // The way out is on the page: reconnect with a new key, the store's address already filled in.
  await app.getByRole("link", { name: "Reconnect" }).click();
  await expect(app.getByRole("heading", { name: "Connect WooCommerce", level: 1 })).toBeVisible();
  await expect(
    app.getByRole("form", { name: "Paste REST API keys" }).getByLabel("Store address"),
  ).toHaveValue(woo().url);
  // On the overview: the WooCommerce store's failed attempt; the Shopify store's sync, unchanged.
  await page.goto(`${SHOPIFY}/admin/apps/commerce-sync/app?shop=demo.myshopify.com`);
  await expect(failed).toHaveCount(1, { timeout: 30_000 });
  await expect(synced).toHaveCount(1);
});

test("signing back in through the store's key approval, then signing out", async ({ page }) => {
  await page.goto("/woocommerce/connect");
  const card = page.getByRole("form", { name: "Approve a key in your store" });
  // The app runs on http here: a real store would refuse the callback, and the page says so before sending anyone.
  await expect(card.getByText("Approval needs Commerce Sync on https")).toBeVisible();
  await card.getByLabel("Store address").fill(woo().url);
  await card.getByRole("button", { name: "Approve in WooCommerce" }).click();
  await expect(page.getByRole("heading", { name: /would like to connect to your store/ })).toBeVisible();
  await page.screenshot({ path: "test-results/woocommerce-approve-in-store.png", fullPage: true });
  await page.getByRole("link", { name: "Approve" }).click();
  await expect(page).toHaveURL(/\/woocommerce\/stores\//);
  await expect(page.getByRole("heading", { name: "E2E Woo Store" })).toBeVisible();
  await page.screenshot({ path: "test-results/woocommerce-after-approval.png", fullPage: true });
  await expectAccessible(page, "a WooCommerce store after approval");
  // The live-progress poll's route is known to the browser from the first load: with lazy route discovery a poll
  // revalidated by the disconnect below, before its route was discovered, matched the splat route and the page fell
  // into its error boundary (remix-run/react-router#15326; the failure of an earlier CI run of this test).
  const knownRoutes = await page.evaluate(() =>
    Object.keys((window as unknown as { __remixManifest: { routes: object } }).__remixManifest.routes),
  );
  expect(knownRoutes).toContain("routes/woocommerce.stores.$integrationId.progress");
  expect(knownRoutes).toContain("routes/app.integrations.$id.progress");

  // Disconnect behind the confirmation, keeping the data: the page says so and offers to reconnect.
  await page.getByRole("button", { name: "Disconnect" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByText("Keep them")).toBeVisible();
  await page.screenshot({ path: "test-results/woocommerce-disconnect-modal.png", fullPage: true });
  await expectAccessible(page, "the WooCommerce disconnect confirmation");
  // The disconnect first removes the app's webhooks from the store over HTTP. A CI run once saw no answer on the
  // page within Playwright's default 5 s: wait for the action's own answer (up to 30 s, as the other disconnect
  // tests do) and, if it fails, say what the server answered.
  const answered = page.waitForResponse(
    (r) => r.request().method() === "POST" && new URL(r.url()).pathname.startsWith("/woocommerce/stores/"),
    { timeout: 30_000 },
  );
  await dialog.getByRole("button", { name: "Disconnect and keep data" }).click();
  const answer = await answered;
  expect(answer.status(), await answer.text()).toBe(200);
  await expect(page.getByText("This store no longer syncs")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText("Disconnected. Synced contacts, orders and products were kept.")).toBeVisible();
  await expect(page.getByText("Store disconnected; its data was kept").first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Sync now" })).toBeDisabled();
  await expect(page.getByRole("link", { name: "Reconnect" })).toBeVisible();
  await page.screenshot({ path: "test-results/woocommerce-disconnected.png", fullPage: true });

  await page.goto("/woocommerce");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/woocommerce\/connect/);
  await page.goto("/woocommerce");
  await expect(page).toHaveURL(/\/woocommerce\/connect/);
});

test("a signed-in owner whose key the store revoked is offered to reconnect, the address filled in", async ({
  page,
}) => {
  // Signed in through the store's key approval (the store is connected again, its full sync running).
  await page.goto("/woocommerce/connect");
  const card = page.getByRole("form", { name: "Approve a key in your store" });
  await card.getByLabel("Store address").fill(woo().url);
  await card.getByRole("button", { name: "Approve in WooCommerce" }).click();
  await page.getByRole("link", { name: "Approve" }).click();
  await expect(page.getByRole("heading", { name: "E2E Woo Store" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sync now" })).toBeEnabled({ timeout: 30_000 });
  const keys = (await (await fetch(`${woo().url}/_emulator/keys`)).json()) as Array<{ key_id: number }>;
  for (const k of keys) await fetch(`${woo().url}/_emulator/keys/${k.key_id}`, { method: "DELETE" });
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page.getByText("This store needs attention")).toBeVisible({ timeout: 30_000 });
  await page.getByRole("link", { name: "Reconnect" }).click();
  await expect(page).toHaveURL(/\/woocommerce\/connect\?store=/);
  await expect(
    page.getByRole("form", { name: "Paste REST API keys" }).getByLabel("Store address"),
  ).toHaveValue(woo().url);
});
