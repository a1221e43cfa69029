/**
 * The benchmark's records: a deterministic, generated in-memory store (nothing is held in memory, so RSS reflects the
 * engine, not the dataset). Mix per 10 records: 4 customers, 5 orders (3 line items; every 10th a guest), 1 product
 * (2 variants).
 */
import {
  createMemorySource,
  generated,
  syntheticCustomer,
  syntheticOrder,
  syntheticProduct,
} from "../app/sync/testing/memory-source";

export interface DatasetShape {
  customers: number;
  orders: number;
  products: number;
}

export function shapeFor(records: number): DatasetShape {
  const customers = Math.round(records * 0.4);
  const products = Math.round(records * 0.1);
  return { customers, products, orders: records - customers - products };
}

export function benchSource(shape: DatasetShape, pageSize: number) {
  return createMemorySource({
    platform: "memory",
    pageSize,
    customers: generated(shape.customers, (i) => syntheticCustomer(i)),
    orders: generated(shape.orders, (i) =>
      syntheticOrder(i, { customerCount: shape.customers, productCount: shape.products, itemCount: 3 }),
    ),
    products: generated(shape.products, (i) => syntheticProduct(i, { variantCount: 2 })),
  });
}
