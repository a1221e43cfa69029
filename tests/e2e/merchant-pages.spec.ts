/**
 * The merchant's pages of the embedded app: the navigation to each, their layout at three widths, the keyboard, the
 * orders and products filters, and the 404. (The stores' own actions are in merchant-stores.spec.ts, run after.)
 */
import { expect, test, type FrameLocator } from "@playwright/test";
import {
  expectNoHorizontalOverflow,
  expectNoOffHostRequests,
  expectNothingClipped,
  expectPage,
  openApp,
  screenshot,
} from "./support/admin";
import { expectAccessible } from "./support/a11y";

expectNoOffHostRequests();

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
