import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../../tests/setup/db";
import { productStatusLabel, productStatusTone, productTypeLabel } from "../components/product-status";
import { listProducts } from "./products-view.server";
import { seedMerchant, type MerchantFixture } from "./testing/merchant";

describe.each(DATABASE_KINDS)("the products page's data on %s", (kind) => {
  let t: TestDatabase;
  let m: MerchantFixture;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    m = await seedMerchant(t.db);
    const [org, other] = [m.organizationId, m.otherOrganizationId];
    // A WooCommerce product priced above 2^53 minor units, one without any price, and one the store deleted.
    await t.db.product.create({
      data: {
        organizationId: org,
        integrationId: m.wooId,
        externalId: "77",
        title: "hoodie (Woo)",
        status: "publish",
        currency: "EUR",
        minPriceMinor: 9_007_199_254_740_993n,
        maxPriceMinor: 9_007_199_254_740_993n,
        externalUpdatedAt: new Date("2026-11-30T23:59:59Z"),
        variants: {
          create: [{ integrationId: m.wooId, externalId: "77", title: "Hoodie", sku: "WOO-HOOD" }],
        },
      },
    });
    await t.db.product.create({
      data: {
        organizationId: org,
        integrationId: m.wooId,
        externalId: "78",
        title: "Gift wrap",
        status: "draft",
        externalUpdatedAt: new Date("2026-11-01T00:00:00Z"),
      },
    });
    await t.db.product.create({
      data: {
        organizationId: org,
        integrationId: m.wooId,
        externalId: "79",
        title: "Gone",
        status: "publish",
        deletedAt: new Date(),
        externalUpdatedAt: new Date("2026-11-01T00:00:00Z"),
      },
    });
    await t.db.product.create({
      data: {
        organizationId: other,
        integrationId: m.otherIntegrationId,
        externalId: "1",
        title: "Product of someone else",
        status: "active",
        externalUpdatedAt: new Date("2026-11-01T00:00:00Z"),
      },
    });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("lists every store's live products, last changed first, with exact price ranges, variant counts and SKUs", async () => {
    const all = await listProducts(t.db, m.organizationId, {});
    expect(all.total).toBe(5);
    // Most recently changed first (the Shopify products were changed in January 2025, the Woo ones in November 2026).
    expect(all.products.map((p) => p.title)).toEqual([
      "hoodie (Woo)",
      "Gift wrap",
      "Product 2",
      "Product 1",
      "Product 0",
    ]);
    const p0 = all.products.find((p) => p.title === "Product 0")!;
    expect(p0).toMatchObject({
      storeName: "Acme Shopify",
      platform: "shopify",
      status: "active",
      vendor: "Acme",
      variantCount: 2,
      skus: ["SKU-0-0", "SKU-0-1"],
      price: { min: "9.99", max: "10.99", currency: "USD" },
    });
    const hoodie = all.products.find((p) => p.title === "hoodie (Woo)")!;
    expect(hoodie.price).toEqual({ min: "90071992547409.93", max: "90071992547409.93", currency: "EUR" });
    expect(hoodie.updatedAt).toBe("2026-11-30T23:59:59.000Z");
    expect(all.products.find((p) => p.title === "Gift wrap")).toMatchObject({ price: null, variantCount: 0 });
    expect(all.facets.stores.map((s) => s.name)).toEqual(["Acme Shopify", "Acme Woo"]);
    expect(all.facets.statuses).toEqual(["active", "draft", "publish"]);
  });

  it("filters by store and status and searches title, vendor and SKU, ignoring case", async () => {
    const woo = await listProducts(t.db, m.organizationId, { integrationId: m.wooId });
    expect(woo.products.map((p) => p.title)).toEqual(["hoodie (Woo)", "Gift wrap"]);
    const drafts = await listProducts(t.db, m.organizationId, { status: "draft" });
    expect(drafts.products.map((p) => p.title)).toEqual(["Gift wrap"]);
    const bySku = await listProducts(t.db, m.organizationId, { query: "sku-1-" });
    expect(bySku.products.map((p) => p.title)).toEqual(["Product 1"]);
    const byTitle = await listProducts(t.db, m.organizationId, { query: "HOODIE" });
    expect(byTitle.products.map((p) => p.title)).toEqual(["hoodie (Woo)"]);
    const byVendor = await listProducts(t.db, m.organizationId, { query: "acme" });
    expect(byVendor.total).toBe(3);
    expect((await listProducts(t.db, m.organizationId, { query: "no such thing" })).total).toBe(0);
  });

  it("pages through the list and never shows another organization's products", async () => {
    const second = await listProducts(t.db, m.organizationId, {}, { page: 2, pageSize: 2 });
    expect(second).toMatchObject({ total: 5, page: 2, pageSize: 2 });
    expect(second.products.map((p) => p.title)).toEqual(["Product 2", "Product 1"]);
    const other = await listProducts(t.db, m.otherOrganizationId, {});
    expect(other.products.map((p) => p.title)).toEqual(["Product of someone else"]);
    // A store id of another organization filters to nothing rather than leaking its products.
    expect((await listProducts(t.db, m.organizationId, { integrationId: m.otherIntegrationId })).total).toBe(
      0,
    );
  });
});

describe("product status labels", () => {
  it("names both platforms' statuses in words a merchant uses, with a tone", () => {
    expect(productStatusLabel("publish")).toBe("Published");
    expect(productStatusLabel("pending")).toBe("Pending review");
    expect(productStatusLabel("archived")).toBe("Archived");
    expect(productStatusLabel("some_new-state")).toBe("Some new state");
    expect(productStatusTone("active")).toBe("success");
    expect(productStatusTone("draft")).toBe("attention");
    expect(productStatusTone("archived")).toBeUndefined();
    expect(productTypeLabel("woocommerce", "variable")).toBe("Variable product");
    expect(productTypeLabel("woocommerce", "bundle")).toBe("bundle");
    expect(productTypeLabel("shopify", "simple")).toBe("simple");
    expect(productTypeLabel("shopify", null)).toBeNull();
  });
});
