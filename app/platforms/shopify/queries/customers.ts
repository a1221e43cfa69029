import { CUSTOMER_FIELDS } from "./fields";

/** Customers: one page, oldest change first (`sortKey: UPDATED_AT`), filtered with `updated_at:>'…'` when resuming. */
export const CUSTOMERS_PAGE_QUERY = `#graphql
  query CustomersPage($first: Int!, $after: String, $query: String) {
    customers(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes {${CUSTOMER_FIELDS}}
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/** One customer, read when a customer webhook arrives (its body no longer carries consent or tags). */
export const CUSTOMER_QUERY = `#graphql
  query Customer($id: ID!) {
    customer(id: $id) {${CUSTOMER_FIELDS}}
  }
`;
