import { CUSTOMER_FIELDS } from "./fields";

/** Customers: one page for incremental sync (sorted by updatedAt, filtered with `updated_at:>'…'`). */
export const CUSTOMERS_PAGE_QUERY = `#graphql
  query CustomersPage($first: Int!, $after: String, $query: String) {
    customers(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      edges {
        cursor
        node {${CUSTOMER_FIELDS}}
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;
