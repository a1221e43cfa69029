import {
  createMemorySource,
  generated,
  syntheticCustomer,
  syntheticOrder,
  syntheticProduct,
} from "./memory-source";

/** The source the kill -9 test syncs: 1,200 customers, 1,500 orders, 300 products in pages of 50. */
export function killTestSource(options: { pageDelayMs?: number } = {}) {
  return createMemorySource({
    pageSize: 50,
    pageDelayMs: options.pageDelayMs,
    customers: generated(1200, (i) => syntheticCustomer(i)),
    orders: generated(1500, (i) => syntheticOrder(i, { customerCount: 1200, productCount: 300 })),
    products: generated(300, (i) => syntheticProduct(i)),
  });
}

/** Rows the kill test source produces: every 10th order is a guest (150 guest contacts). */
export const KILL_TEST_EXPECTED = { contacts: 1350, orders: 1500, items: 4500, products: 300, variants: 600 };
