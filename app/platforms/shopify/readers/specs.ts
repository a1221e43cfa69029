/**
 * What differs between the three resources a Shopify reader reads: its documents, its child connection, its page
 * sizes. Page sizes keep every page query under Shopify's 1,000-point limit by Shopify's own cost method (a test
 * computes each document's requested cost with the emulator's implementation of that method).
 */
import type { Resource } from "../../../sync/types";
import { BULK_CUSTOMERS_QUERY, BULK_ORDERS_QUERY, BULK_PRODUCTS_QUERY } from "../queries/bulk";
import { CUSTOMERS_COUNT_QUERY, ORDERS_COUNT_QUERY, PRODUCTS_COUNT_QUERY } from "../queries/counts";
import { CUSTOMER_PROTECTED_DATA_PROBE, CUSTOMERS_PAGE_QUERY } from "../queries/customers";
import { ORDER_LINE_ITEMS_QUERY, ORDER_PROTECTED_DATA_PROBE, ORDERS_PAGE_QUERY } from "../queries/orders";
import { PRODUCT_VARIANTS_QUERY, PRODUCTS_PAGE_QUERY } from "../queries/products";
import { CUSTOMER_IDS_QUERY, ORDER_IDS_QUERY, PRODUCT_IDS_QUERY } from "../queries/reconcile";

export interface ChildConnectionSpec {
  /** Field on the parent node (`lineItems`, `variants`). */
  field: string;
  /** Variable of the page query giving its page size, and that size. */
  pageVariable: string;
  pageSize: number;
  /** Follow-up query for parents with more children than the page holds. */
  operation: string;
  document: string;
  /** Root field of the follow-up query (`order`, `product`). */
  root: string;
  followUpPageSize: number;
}

export interface ResourceSpec {
  resource: Resource;
  /** Root field of the list and count queries. */
  root: "customers" | "orders" | "products";
  pageOperation: string;
  pageDocument: string;
  pageSize: number;
  child: ChildConnectionSpec | null;
  bulkDocument: string;
  countOperation: string;
  countDocument: string;
  /** The ids of every record the reader reads, ascending (finding records deleted without a webhook, ADR 0046). */
  idsOperation: string;
  idsDocument: string;
  /** What every id of the resource starts with (`gid://shopify/Order/`); our external ids are these GIDs. */
  gidPrefix: string;
  /** Asked before a bulk read: raises ShopifyProtectedDataError when the app may not read the resource's PII. */
  protectedDataProbe: { operation: string; document: string } | null;
  /** Above this many matching records a read goes through a bulk operation instead of pages (see ADR 0018). */
  bulkThreshold: number;
}

export const RESOURCE_SPECS: Record<Resource, ResourceSpec> = {
  customers: {
    resource: "customers",
    root: "customers",
    pageOperation: "CustomersPage",
    pageDocument: CUSTOMERS_PAGE_QUERY,
    pageSize: 200,
    child: null,
    bulkDocument: BULK_CUSTOMERS_QUERY,
    countOperation: "CustomersCount",
    idsOperation: "CustomerIds",
    idsDocument: CUSTOMER_IDS_QUERY,
    gidPrefix: "gid://shopify/Customer/",
    countDocument: CUSTOMERS_COUNT_QUERY,
    protectedDataProbe: { operation: "CustomerProtectedDataProbe", document: CUSTOMER_PROTECTED_DATA_PROBE },
    bulkThreshold: 500,
  },
  orders: {
    resource: "orders",
    root: "orders",
    pageOperation: "OrdersPage",
    pageDocument: ORDERS_PAGE_QUERY,
    pageSize: 30,
    child: {
      field: "lineItems",
      pageVariable: "lineItems",
      pageSize: 5,
      operation: "OrderLineItems",
      document: ORDER_LINE_ITEMS_QUERY,
      root: "order",
      followUpPageSize: 150,
    },
    bulkDocument: BULK_ORDERS_QUERY,
    countOperation: "OrdersCount",
    idsOperation: "OrderIds",
    idsDocument: ORDER_IDS_QUERY,
    gidPrefix: "gid://shopify/Order/",
    countDocument: ORDERS_COUNT_QUERY,
    protectedDataProbe: { operation: "OrderProtectedDataProbe", document: ORDER_PROTECTED_DATA_PROBE },
    bulkThreshold: 100,
  },
  products: {
    resource: "products",
    root: "products",
    pageOperation: "ProductsPage",
    pageDocument: PRODUCTS_PAGE_QUERY,
    pageSize: 40,
    child: {
      field: "variants",
      pageVariable: "variants",
      pageSize: 20,
      operation: "ProductVariants",
      document: PRODUCT_VARIANTS_QUERY,
      root: "product",
      followUpPageSize: 250,
    },
    bulkDocument: BULK_PRODUCTS_QUERY,
    countOperation: "ProductsCount",
    idsOperation: "ProductIds",
    idsDocument: PRODUCT_IDS_QUERY,
    gidPrefix: "gid://shopify/Product/",
    countDocument: PRODUCTS_COUNT_QUERY,
    protectedDataProbe: null,
    bulkThreshold: 300,
  },
};

/** A bulk document with its search filter filled in (quotes escaped for the GraphQL string it sits in). */
export function bulkQueryFor(spec: ResourceSpec, filter: string | null): string {
  const escaped = (filter ?? "").replace(/\\/g, "\\\\").replace(/"/g, '\\"');
  return spec.bulkDocument.replace("{{FILTER}}", escaped);
}
