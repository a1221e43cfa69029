/**
 * Test data for the merchant's views and the integrations API: one organization with a Shopify and a WooCommerce
 * store filled through the real sync engine (memory source), so counters, runs and contact links are what a real
 * sync writes. A second organization exists to prove isolation.
 */
import type { AppDb } from "../../sync/platform";
import { runSync } from "../../sync/engine.server";
import { seedOrganization } from "../../sync/testing/fixtures";
import {
  createMemorySource,
  syntheticCustomer,
  syntheticOrder,
  syntheticProduct,
  type MemoryOrder,
} from "../../sync/testing/memory-source";

export interface MerchantFixture {
  organizationId: string;
  shopifyId: string;
  wooId: string;
  otherOrganizationId: string;
  otherIntegrationId: string;
}

/**
 * Shopify: customers c0..c5 (USD orders), products p0..p2. WooCommerce: customer c1 again under another id (same
 * email → one contact fed by two stores) with EUR orders, and a guest order. Other organization: one store.
 */
export async function seedMerchant(db: AppDb): Promise<MerchantFixture> {
  const { organizationId, integrationIds } = await seedOrganization(db, ["shopify", "woocommerce"]);
  const [shopifyId, wooId] = integrationIds;
  await db.integration.update({
    where: { id: shopifyId },
    data: { name: "Acme Shopify", storeKey: `acme-${organizationId}.myshopify.com` },
  });
  await db.integration.update({
    where: { id: wooId },
    data: { name: "Acme Woo", storeKey: `https://woo-${organizationId}.example` },
  });
  const shopifyOrders: MemoryOrder[] = [0, 1, 2, 3, 4, 5].map((i) => ({
    ...syntheticOrder(i, { customerCount: 6 }),
    customer_id: `c${i}`,
    email: `customer${i}@example.com`,
    financial_status: i % 2 === 0 ? "paid" : "pending",
    fulfillment_status: i % 3 === 0 ? "fulfilled" : null,
  }));
  await runSync(db, {
    integrationId: shopifyId,
    kind: "full",
    triggeredBy: "test",
    source: createMemorySource({
      customers: [0, 1, 2, 3, 4, 5].map((i) => syntheticCustomer(i)),
      orders: shopifyOrders,
      products: [0, 1, 2].map((i) => syntheticProduct(i)),
    }),
  });
  await runSync(db, {
    integrationId: wooId,
    kind: "full",
    triggeredBy: "test",
    source: createMemorySource({
      customers: [{ ...syntheticCustomer(1), id: "501" }],
      orders: [
        {
          ...syntheticOrder(20),
          customer_id: "501",
          email: "customer1@example.com",
          currency: "EUR",
          total: "10.05",
        },
        {
          ...syntheticOrder(21),
          customer_id: "501",
          email: "customer1@example.com",
          currency: "EUR",
          total: "0.10",
        },
        {
          ...syntheticOrder(22),
          customer_id: null,
          email: "walkin@example.org",
          currency: "EUR",
          total: "5.00",
        },
      ].map((o) => ({ ...o, line_items: o.line_items.map((li) => ({ ...li, price: "1.00" })) })),
    }),
  });
  const other = await seedOrganization(db, ["shopify"]);
  return {
    organizationId,
    shopifyId,
    wooId,
    otherOrganizationId: other.organizationId,
    otherIntegrationId: other.integrationIds[0],
  };
}
