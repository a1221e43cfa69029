/**
 * Finding records deleted in Shopify while no webhook arrived (ADR 0046): the store's ids in ascending order (ids
 * only: 2 + 250 requested points a page), the records asked for by id (`nodes` answers null for what is gone: one
 * point per id), and the token's scopes (whether orders older than 60 days are visible at all).
 */

/** Ids of one resource, 250 a page, ascending by id (`$first` ≤ 250; `$query` null for all of them). */
function idsQuery(operation: string, root: "customers" | "orders" | "products"): string {
  return `#graphql
  query ${operation}($first: Int!, $after: String, $query: String) {
    ${root}(first: $first, after: $after, query: $query, sortKey: ID) {
      edges {
        node {
          id
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;
}

export const CUSTOMER_IDS_QUERY = idsQuery("CustomerIds", "customers");
export const ORDER_IDS_QUERY = idsQuery("OrderIds", "orders");
export const PRODUCT_IDS_QUERY = idsQuery("ProductIds", "products");

/** Which of these records still exist: null in place of each one that does not (at most 250 ids). */
export const RECORDS_EXIST_QUERY = `#graphql
  query RecordsExist($ids: [ID!]!) {
    nodes(ids: $ids) {
      id
    }
  }
`;

/** The access scopes Shopify granted this app on the shop. */
export const APP_SCOPES_QUERY = `#graphql
  query AppScopes {
    currentAppInstallation {
      accessScopes {
        handle
      }
    }
  }
`;
