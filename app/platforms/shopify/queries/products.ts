import { PRODUCT_FIELDS, VARIANT_FIELDS } from "./fields";

/** Products: one page for incremental sync, with variants. */
export const PRODUCTS_PAGE_QUERY = `#graphql
  query ProductsPage($first: Int!, $after: String, $query: String) {
    products(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      edges {
        cursor
        node {${PRODUCT_FIELDS}
          variants(first: 100) {
            nodes {${VARIANT_FIELDS}}
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
