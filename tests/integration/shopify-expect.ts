/** Assertions comparing what the app stored with the emulated shop's own records, record for record. */
import { expect } from "vitest";
import type { EmuCustomer, EmuShop } from "../../emulators/shopify/model";
import type { AppDb } from "../../app/sync/platform";

const gid = (type: string, id: bigint) => `gid://shopify/${type}/${id}`;

/** The consent state the app must store for an emulated customer (what Shopify's defaultEmailAddress says). */
export function expectedMarketingState(customer: EmuCustomer): string {
  if (!customer.email) return "not_subscribed";
  const state = customer.emailConsent?.marketingState ?? "NOT_SUBSCRIBED";
  // CustomerEmailAddressMarketingState has no REDACTED: Shopify reports a redacted address as unsubscribed.
  return state === "REDACTED" ? "unsubscribed" : state.toLowerCase();
}

/** Every order, line item, product, variant and customer of `shop` is stored exactly once, with exact values. */
export async function expectStoreMatchesShop(db: AppDb, integrationId: string, shop: EmuShop): Promise<void> {
  // One aggregate query (a per-row relation count is slow on 30,000 orders).
  const orders = await db.$queryRaw<Array<{ externalId: string; items: bigint | number }>>`
    SELECT o."externalId" AS "externalId", COUNT(i."id") AS "items"
    FROM "Order" o LEFT JOIN "OrderItem" i ON i."orderId" = o."id"
    WHERE o."integrationId" = ${integrationId} AND o."deletedAt" IS NULL
    GROUP BY o."externalId"`;
  expect(orders).toHaveLength(shop.orders.size);
  const stored = new Map(orders.map((o) => [o.externalId, Number(o.items)]));
  let missingItems = 0;
  for (const order of shop.orders.values()) {
    const items = stored.get(gid("Order", order.id));
    expect(items, `order ${order.name}`).toBeDefined();
    if (items !== order.lineItems.length) missingItems += 1;
  }
  expect(missingItems, "orders whose line items are not all attached").toBe(0);
  const itemCount = [...shop.orders.values()].reduce((n, o) => n + o.lineItems.length, 0);
  expect(await db.orderItem.count({ where: { order: { integrationId } } })).toBe(itemCount);

  expect(await db.product.count({ where: { integrationId, deletedAt: null } })).toBe(shop.products.size);
  const variantCount = [...shop.products.values()].reduce((n, p) => n + p.variants.length, 0);
  expect(await db.productVariant.count({ where: { integrationId } })).toBe(variantCount);

  const links = await db.$queryRaw<Array<{ externalId: string; marketingState: string }>>`
    SELECT s."externalId" AS "externalId", c."marketingState" AS "marketingState"
    FROM "ContactSource" s JOIN "Contact" c ON c."id" = s."contactId"
    WHERE s."integrationId" = ${integrationId} AND s."externalId" LIKE 'gid://shopify/Customer/%'
      AND s."deletedAt" IS NULL`;
  expect(links).toHaveLength(shop.customers.size);
  const byId = new Map(links.map((l) => [l.externalId, l]));
  const mismatched: string[] = [];
  for (const customer of shop.customers.values()) {
    const contact = byId.get(gid("Customer", customer.id));
    const expected = expectedMarketingState(customer);
    if (!contact || contact.marketingState !== expected) {
      mismatched.push(`${customer.id}: ${contact?.marketingState} ≠ ${expected}`);
    }
  }
  expect(mismatched, "customers whose consent differs from Shopify's").toEqual([]);
}
