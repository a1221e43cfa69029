import { CUSTOMER_FIELDS, LINE_ITEM_FIELDS, ORDER_FIELDS, PRODUCT_FIELDS, VARIANT_FIELDS } from "./fields";

/**
 * Bulk operations for full (historical) syncs. The inner queries are plain strings passed as the `query`
 * argument of bulkOperationRunQuery; `{{FILTER}}` is replaced by a search filter (or nothing) before sending.
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
  mutation BulkOperationRunQuery($query: String!) {
    bulkOperationRunQuery(query: $query) {
      bulkOperation {
        id
        status
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export const BULK_OPERATION_STATUS_QUERY = `#graphql
  query BulkOperationStatus($id: ID!) {
    node(id: $id) {
      ... on BulkOperation {
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
  }
`;

export const CURRENT_BULK_OPERATION_QUERY = `#graphql
  query CurrentBulkOperation {
    currentBulkOperation {
      id
      status
      errorCode
      objectCount
      url
      partialDataUrl
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
