import { CUSTOMER_FIELDS, LINE_ITEM_FIELDS, ORDER_FIELDS, PRODUCT_FIELDS, VARIANT_FIELDS } from "./fields";

/**
 * Bulk operations for full syncs of larger stores. The inner queries are strings passed as the `query` argument of
 * bulkOperationRunQuery; `{{FILTER}}` is replaced by a search filter (or nothing) before sending. Bulk queries must
 * use `edges { node }` and select `id` on every node that has a nested connection. Output is not grouped
 * (`groupObjects: false`, the default from 2026-01): children may come before their parent, and the reader joins
 * them on `__parentId`.
 */
export const BULK_CUSTOMERS_QUERY = `#graphql
  {
    customers(query: "{{FILTER}}") {
      edges {
        node {${CUSTOMER_FIELDS}}
      }
    }
  }
`;

export const BULK_ORDERS_QUERY = `#graphql
  {
    orders(query: "{{FILTER}}") {
      edges {
        node {${ORDER_FIELDS}
          lineItems {
            edges {
              node {${LINE_ITEM_FIELDS}}
            }
          }
        }
      }
    }
  }
`;

export const BULK_PRODUCTS_QUERY = `#graphql
  {
    products(query: "{{FILTER}}") {
      edges {
        node {${PRODUCT_FIELDS}
          variants {
            edges {
              node {${VARIANT_FIELDS}}
            }
          }
        }
      }
    }
  }
`;

/** Starts a bulk query; `$query` is one of the BULK_* documents with its filter filled in. */
export const BULK_OPERATION_RUN_QUERY = `#graphql
  mutation BulkOperationRunQuery($query: String!, $groupObjects: Boolean!) {
    bulkOperationRunQuery(query: $query, groupObjects: $groupObjects) {
      bulkOperation {
        id
        status
        createdAt
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

/** One operation's state, by id (`currentBulkOperation` is deprecated and sees only the latest operation). */
export const BULK_OPERATION_QUERY = `#graphql
  query BulkOperation($id: ID!) {
    bulkOperation(id: $id) {
      id
      status
      errorCode
      objectCount
      rootObjectCount
      fileSize
      url
      partialDataUrl
      createdAt
      completedAt
    }
  }
`;

export const BULK_OPERATION_CANCEL_MUTATION = `#graphql
  mutation BulkOperationCancel($id: ID!) {
    bulkOperationCancel(id: $id) {
      bulkOperation {
        id
        status
      }
      userErrors {
        field
        message
      }
    }
  }
`;
