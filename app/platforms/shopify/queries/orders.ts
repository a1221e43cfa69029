import { LINE_ITEM_FIELDS, ORDER_FIELDS } from "./fields";

/**
 * Orders: one page with the first line items of each order. Requested cost is bounded by the page sizes the reader
 * picks (see ../readers/page-sizes.ts; a test keeps every page under Shopify's 1,000-point limit). Orders with more
 * line items than the page holds are completed with ORDER_LINE_ITEMS_QUERY.
 */
export const ORDERS_PAGE_QUERY = `#graphql
  query OrdersPage($first: Int!, $after: String, $query: String, $lineItems: Int!) {
    orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes {${ORDER_FIELDS}
        lineItems(first: $lineItems) {
          nodes {${LINE_ITEM_FIELDS}}
          pageInfo {
            hasNextPage
            endCursor
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/** The remaining line items of one order. */
export const ORDER_LINE_ITEMS_QUERY = `#graphql
  query OrderLineItems($id: ID!, $first: Int!, $after: String) {
    order(id: $id) {
      lineItems(first: $first, after: $after) {
        nodes {${LINE_ITEM_FIELDS}}
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;

/** Whether the app may read orders' protected data (buyer email, billing name): asked before a bulk read of orders. */
export const ORDER_PROTECTED_DATA_PROBE = `#graphql
  query OrderProtectedDataProbe {
    orders(first: 1) {
      nodes {
        id
        email
        billingAddress {
          firstName
        }
      }
    }
  }
`;
