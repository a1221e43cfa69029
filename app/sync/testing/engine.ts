/**
 * What the sync engine tests share (engine-*.test.ts): a test database per kind, emptied by `freshDb`, a 10,000-record
 * source and the rows it must leave, and a count of an integration's rows.
 */
import type { DatabaseKind } from "../../db/database-url";
import type { TestDatabase } from "../../../tests/setup/db";
import { useTestDatabase } from "../../../tests/setup/use-test-database";
import {
  createMemorySource,
  generated,
  syntheticCustomer,
  syntheticOrder,
  syntheticProduct,
} from "./memory-source";

/** The enclosing `describe`'s `kind` database, and `freshDb` to empty it of organizations (and all below them). */
export function useEngineDatabase(kind: DatabaseKind) {
  const t = useTestDatabase(kind);
  return {
    t,
    freshDb: async () => {
      await t.db.organization.deleteMany();
    },
  };
}

export async function counts(t: TestDatabase, integrationId: string) {
  const db = t.db;
  return {
    contacts: await db.contact.count(),
    sources: await db.contactSource.count({ where: { integrationId } }),
    orders: await db.order.count({ where: { integrationId } }),
    items: await db.orderItem.count({ where: { order: { integrationId } } }),
    products: await db.product.count({ where: { integrationId } }),
    variants: await db.productVariant.count({ where: { integrationId } }),
  };
}

/** 10,000 records: 4,000 customers, 5,000 orders (3 items, every 10th a guest), 1,000 products (2 variants). */
export function tenThousand(extra: Parameters<typeof createMemorySource>[0] = {}) {
  return createMemorySource({
    pageSize: 250,
    customers: generated(4000, (i) => syntheticCustomer(i)),
    orders: generated(5000, (i) => syntheticOrder(i, { customerCount: 4000, productCount: 1000 })),
    products: generated(1000, (i) => syntheticProduct(i)),
    ...extra,
  });
}
export const EXPECTED = {
  contacts: 4500,
  sources: 4500,
  orders: 5000,
  items: 15000,
  products: 1000,
  variants: 2000,
};
