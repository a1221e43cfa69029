import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startShopifyEmulator, type RunningShopifyEmulator } from "../server";

const BUNDLE = `shopify.extend("admin.customer-details.block.render", function () {
  document.body.textContent = "block for " + shopify.data.selected[0].id; });`;

describe("mini admin: customer pages and admin blocks", () => {
  let emu: RunningShopifyEmulator;
  let customerId: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "ext-"));
    writeFileSync(join(dir, "block.js"), BUNDLE);
    emu = await startShopifyEmulator({
      port: 0,
      seed: 3,
      customers: 5,
      orders: 0,
      products: 0,
      app: {
        apiKey: "k",
        apiSecret: "s",
        appUrl: "http://127.0.0.1:3997",
        appHandle: "commerce-sync",
        scopes: ["read_customers"],
        adminExtensions: [
          {
            handle: "profile-block",
            target: "admin.customer-details.block.render",
            file: join(dir, "block.js"),
          },
        ],
      },
    });
    const index = await (await fetch(`${emu.url}/admin/customers?shop=demo.myshopify.com`)).text();
    customerId = /\/admin\/customers\/(\d+)\?/.exec(index)?.[1] ?? "";
  });
  afterAll(async () => {
    await emu?.close();
  });

  it("lists customers that link to their pages", () => {
    expect(customerId).toMatch(/^\d+$/);
  });

  it("frames each customer-details block on the customer page with the customer's GID", async () => {
    const res = await fetch(`${emu.url}/admin/customers/${customerId}?shop=demo.myshopify.com`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const src = /<iframe class="block"[^>]*src="([^"]+)"/.exec(html)?.[1].replace(/&amp;/g, "&") ?? "";
    const url = new URL(src, emu.url);
    expect(url.pathname).toBe("/_emulator/extension-host");
    expect(url.searchParams.get("handle")).toBe("profile-block");
    expect(url.searchParams.get("resource")).toBe(`gid://shopify/Customer/${customerId}`);
    const host = await (await fetch(url)).text();
    expect(host).toContain('<script src="/_emulator/extensions/profile-block.js"></script>');
    expect(host).toContain(`"resource":"gid://shopify/Customer/${customerId}"`);
  });

  it("serves the built bundle and answers 404 for unknown extensions and customers", async () => {
    const bundle = await fetch(`${emu.url}/_emulator/extensions/profile-block.js`);
    expect(bundle.headers.get("content-type")).toContain("javascript");
    expect(await bundle.text()).toBe(BUNDLE);
    expect((await fetch(`${emu.url}/_emulator/extensions/other.js`)).status).toBe(404);
    expect((await fetch(`${emu.url}/admin/customers/1?shop=demo.myshopify.com`)).status).toBe(404);
  });
});
