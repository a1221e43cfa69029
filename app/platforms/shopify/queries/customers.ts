/** Customers: one page for incremental sync (sorted by updatedAt, filtered with `updated_at:>'…'`). */
export const CUSTOMERS_PAGE_QUERY = `#graphql
  query CustomersPage($first: Int!, $after: String, $query: String) {
    customers(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      edges {
        cursor
        node {
          id
          legacyResourceId
          firstName
          lastName
          displayName
          state
          note
          tags
          verifiedEmail
          numberOfOrders
          amountSpent {
            amount
            currencyCode
          }
          defaultEmailAddress {
            emailAddress
            marketingState
            marketingOptInLevel
            marketingUpdatedAt
          }
          defaultPhoneNumber {
            phoneNumber
            marketingState
            marketingOptInLevel
            marketingUpdatedAt
          }
          createdAt
          updatedAt
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;
