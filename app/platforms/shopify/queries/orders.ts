import { LINE_ITEM_FIELDS, ORDER_FIELDS } from "./fields";

/**
 * Orders: one page for incremental sync, with line items (first 50). Requested cost is 2 + first × 307 by
 * Shopify's method (each order asks for up to 50 line items with product, variant and a money bag), so a page of
 * `first: 3` (923 points) is the most one query can ask for under the 1,000-point limit; history goes through bulk.
 */
export const ORDERS_PAGE_QUERY = `#graphql
  query OrdersPage($first: Int!, $after: String, $query: String) {
    orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      edges {
        cursor
        node {${ORDER_FIELDS}
          lineItems(first: 50) {
            nodes {${LINE_ITEM_FIELDS}}
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
