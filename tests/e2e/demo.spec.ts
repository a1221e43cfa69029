/**
 * `npm run demo` as a user runs it (small seed, its own ports and data folder): it prints DEMO_READY with working
 * URLs and token, the numbers move by themselves, no page loads anything off this machine, the WooCommerce owner's
 * sign-in link opens the stores (once), the customer block shows a customer of both stores, and it refuses a taken
 * port (naming the flag) and a second demo on the same data folder. Runs after the e2e server built the app.
 * Chromium keeps its own headless user agent: no demo page may refuse it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { expectNoOffHostRequests, recordOffHostRequests } from "./support/admin";

const BASE = Number(process.env.E2E_PORT || 3210) + 40;
const PORTS = { app: BASE, shopify: BASE + 1, woo: BASE + 2 };
const DATA_DIR = `tmp/demo-e2e-${BASE}`;

expectNoOffHostRequests();

interface DemoReady {
  appUrl: string;
  adminUrl: string;
  wooUrl: string;
  apiToken: string;
  sharedCustomerUrl: string;
  sharedCustomer: { name: string; email: string; ordersCount: number; totalSpent: string };
}

function startDemo(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number> } {
  // tsx run by this Node directly (no npx wrapper), so a signal reaches the demo itself.
  const child = spawn(
    process.execPath,
    [
      "node_modules/tsx/dist/cli.mjs",
      "scripts/demo.ts",
      ...["--customers", "60", "--orders", "120", "--products", "10"],
      ...args,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? -1)));
  return { child, output: () => output, exited };
}

const demoArgs = (dataDir = DATA_DIR, ports = PORTS) => [
  "--app-port",
  String(ports.app),
  "--shopify-port",
  String(ports.shopify),
  "--woo-port",
  String(ports.woo),
  "--data-dir",
  dataDir,
  "--activity-ms",
  "1000",
];

async function openOwnerLink(page: Page, r: DemoReady) {
  await page.goto(r.wooUrl);
  await expect(page).toHaveURL(/\/woocommerce$/);
  await expect(page.getByRole("heading", { name: "Your WooCommerce stores" })).toBeVisible();
  const card = page.getByRole("link", { name: "View details" });
  await expect(card).toBeVisible();
  const orders = Number(
    /Orders\s*([\d,]+)/.exec((await page.locator("main").textContent()) ?? "")?.[1]?.replace(/,/g, ""),
  );
  expect(orders).toBeGreaterThanOrEqual(120);
  await page.screenshot({ path: "test-results/demo-woocommerce.png", fullPage: true });
  await card.click();
  await expect(page.getByRole("heading", { name: "Sync history" })).toBeVisible();
  await expect(page.getByText("Integration id")).toBeVisible();
  await page.goto(`${r.appUrl}/woocommerce/connect`);
  await expect(page.getByRole("heading", { name: "Connect your WooCommerce store" })).toBeVisible();
  // The link is spent: in another browser (no cookie) it leads to the sign-in page and says why.
  const fresh = await page.context().browser()!.newContext();
  const other = await fresh.newPage();
  const external = recordOffHostRequests(other);
  await other.goto(r.wooUrl);
  await expect(other).toHaveURL(/\/woocommerce\/connect/);
  await expect(other.getByText("This sign-in link was already used or has expired")).toBeVisible();
  await fresh.close();
  expect(external).toEqual([]);
}

async function totals(ready: DemoReady) {
  const res = await fetch(`${ready.appUrl}/api/integrations`, {
    headers: { Authorization: `Bearer ${ready.apiToken}` },
  });
  expect(res.status).toBe(200);
  const items = (await res.json()) as Array<{
    id: string;
    platform: string;
    status: string;
    syncedOrders: number;
  }>;
  return items;
}

test("npm run demo: DEMO_READY, live numbers, offline admin, and loud refusals", async ({ page }) => {
  test.setTimeout(240_000);
  rmSync(DATA_DIR, { recursive: true, force: true });
  const demo = startDemo(demoArgs());
  try {
    let ready: DemoReady | null = null;
    await expect
      .poll(
        () => {
          const line = /^DEMO_READY (\{.*\})$/m.exec(demo.output());
          if (line) ready = JSON.parse(line[1]) as DemoReady;
          if (demo.child.exitCode !== null) throw new Error(`The demo exited:\n${demo.output()}`);
          return ready !== null;
        },
        { timeout: 180_000, intervals: [500] },
      )
      .toBe(true);
    const r = ready as unknown as DemoReady;
    expect(r.appUrl).toBe(`http://127.0.0.1:${PORTS.app}`);
    expect(r.apiToken).toMatch(/^cst_/);
    expect(r.wooUrl).toMatch(/\/woocommerce\/sign-in\/[\w-]{43}$/);
    expect(demo.output()).toContain("is running");

    // Both stores connected and synced; orders keep arriving through webhooks.
    const first = await totals(r);
    expect(first.map((i) => [i.platform, i.status]).sort()).toEqual([
      ["shopify", "connected"],
      ["woocommerce", "connected"],
    ]);
    const before = Object.fromEntries(first.map((i) => [i.platform, i.syncedOrders]));
    expect(before.shopify).toBeGreaterThanOrEqual(120);
    expect(before.woocommerce).toBeGreaterThanOrEqual(120);
    await expect
      .poll(
        async () => {
          const now = Object.fromEntries((await totals(r)).map((i) => [i.platform, i.syncedOrders]));
          return now.shopify > before.shopify && now.woocommerce > before.woocommerce;
        },
        { timeout: 30_000, intervals: [1_000] },
      )
      .toBe(true);

    // Every page of the demo, in Chromium with its own headless user agent, loads nothing from off this machine
    // (expectNoOffHostRequests checks the test's page after it; the spent link's other browser is checked below).
    expect(await page.evaluate(() => navigator.userAgent)).toContain("HeadlessChrome");
    await page.goto(r.adminUrl);
    let app = page.frameLocator("#app-iframe");
    await expect(app.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible({ timeout: 30_000 });
    await expect(app.getByRole("heading", { name: "Stores" })).toBeVisible();
    await page.screenshot({ path: "test-results/demo-admin.png", fullPage: true });
    const ids = Object.fromEntries(first.map((i) => [i.platform, i.id]));
    for (const [path, title] of [
      [`/integrations/${ids.shopify}`, null],
      [`/integrations/${ids.woocommerce}`, null],
      ["/contacts", "Contacts"],
      ["/orders", "Orders"],
      ["/settings", "Settings"],
      ["/woocommerce/connect", null],
    ] as const) {
      await page.goto(r.adminUrl.replace(/\?/, `/app${path}?`));
      app = page.frameLocator("#app-iframe");
      const shown =
        path === "/woocommerce/connect"
          ? app.getByRole("form", { name: "Paste REST API keys" })
          : title
            ? app.getByRole("heading", { name: title, level: 1 })
            : app.getByRole("heading", { name: "Sync history" });
      await expect(shown).toBeVisible({ timeout: 30_000 });
    }

    // The customer of both stores: the admin block shows their cross-store profile.
    await page.goto(r.sharedCustomerUrl);
    const block = page.frameLocator("iframe.block");
    await expect(block.getByText("Subscribed to email")).toBeVisible({ timeout: 30_000 });
    await expect(block.locator("s-badge[tone=info]")).toHaveText(["Demo", "Commerce Sync Emulator Store"]);
    await expect(block.getByText(String(r.sharedCustomer.ordersCount), { exact: true })).toBeVisible();
    await expect(block.getByText(`${r.sharedCustomer.totalSpent} USD`, { exact: true })).toBeVisible();
    await page.screenshot({ path: "test-results/demo-admin-block.png", fullPage: true });

    // The WooCommerce owner's sign-in link opens their stores with the counts, not the sign-in page; once.
    await openOwnerLink(page, r);
    // A second demo on the same folder, and one whose port is taken, stop at once and say why.
    const again = startDemo(demoArgs(DATA_DIR, { app: BASE + 10, shopify: BASE + 11, woo: BASE + 12 }));
    expect(await again.exited).not.toBe(0);
    expect(again.output()).toMatch(/A demo is already running on tmp\/demo-e2e-\d+\/ \(pid \d+\)/);
    const taken = startDemo(demoArgs(`${DATA_DIR}-other`));
    expect(await taken.exited).not.toBe(0);
    expect(taken.output()).toContain(`Port ${PORTS.app} (the app) is already in use`);
    expect(taken.output()).toContain("--app-port");
    expect(taken.output()).not.toContain("is running");
  } finally {
    demo.child.kill("SIGINT");
    await demo.exited;
    rmSync(`${DATA_DIR}-other`, { recursive: true, force: true });
  }
  expect(existsSync(`${DATA_DIR}/demo.lock`)).toBe(false);
});
