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

/**
 * Whether the app may read customers' protected data (name, email, phone). Bulk exports write refused fields as null
 * without an error, so a bulk read of customers asks this first (a page query reports the refusal itself).
 */
export const CUSTOMER_PROTECTED_DATA_PROBE = `#graphql
  query CustomerProtectedDataProbe {
    customers(first: 1) {
      nodes {
        id
        firstName
        defaultEmailAddress {
          emailAddress
        }
      }
    }
  }
`;
