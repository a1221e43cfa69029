import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_SHOP } from "../../emulators/shopify/model";
import { startShopifyEmulator } from "../../emulators/shopify/server";
import { startWooEmulator } from "../../emulators/woocommerce/server";
import { keepStoreIds, restoreStoreIds } from "./demo-store-ids";

const SEED = { customers: 20, orders: 30, products: 5 };

async function post(url: string, body: unknown): Promise<{ id: string | number }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.ok, `${url} answered ${res.status}`).toBe(true);
  return (await res.json()) as { id: string | number };
}

/** One demo start: fresh emulators from the same seed, ids carried on from the file, one customer created in each. */
async function demoStart(file: string) {
  const shopify = await startShopifyEmulator({ port: 0, seed: 42, ...SEED });
  const woo = await startWooEmulator({ port: 0, seed: 42, counts: SEED });
  try {
    const stores = { shopify: shopify.context.shops.get(DEFAULT_SHOP)!, woo: woo.store.ids };
    restoreStoreIds(file, stores);
    const stop = keepStoreIds(file, stores, 60_000);
    const shopifyCustomer = await post(`${shopify.url}/_emulator/shops/${DEFAULT_SHOP}/customers`, {
      firstName: "Ada",
      lastName: "Ito",
      email: `ada.${Date.now()}@example.com`,
    });
    const wooCustomer = await post(`${woo.url}/_emulator/customers`, {
      email: `ada.${Date.now()}@example.com`,
    });
    stop();
    return { shopify: BigInt(shopifyCustomer.id), woo: Number(wooCustomer.id) };
  } finally {
    await shopify.close();
    await woo.close();
  }
}

describe("the demo's stores never hand out an id twice", () => {
  let dir = "";
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("a record created after a restart gets a new id, not the one an earlier demo's record had", async () => {
    dir = mkdtempSync(join(tmpdir(), "demo-ids-"));
    const file = join(dir, "store-ids.json");
    const first = await demoStart(file);
    const second = await demoStart(file);
    expect(second.shopify).toBeGreaterThan(first.shopify);
    expect(second.woo).toBeGreaterThan(first.woo);
  });

  it("a missing or damaged file leaves the seeded sequences as they are", async () => {
    dir = mkdtempSync(join(tmpdir(), "demo-ids-"));
    const file = join(dir, "store-ids.json");
    const stores = {
      shopify: { nextId: 100n },
      woo: { post: 10, user: 2, item: 1, meta: 1, webhook: 1, key: 1 },
    };
    restoreStoreIds(file, stores);
    writeFileSync(file, "{ not json");
    restoreStoreIds(file, stores);
    writeFileSync(file, JSON.stringify({ shopifyNextId: "5", woo: { post: 3, user: "x" } }));
    restoreStoreIds(file, stores);
    expect(stores).toEqual({
      shopify: { nextId: 100n },
      woo: { post: 10, user: 2, item: 1, meta: 1, webhook: 1, key: 1 },
    });
  });
});
