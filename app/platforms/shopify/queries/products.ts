/** Products: one page for incremental sync, with variants. */
export const PRODUCTS_PAGE_QUERY = `#graphql
  query ProductsPage($first: Int!, $after: String, $query: String) {
    products(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      edges {
        cursor
        node {
          id
          legacyResourceId
          title
          handle
          status
          vendor
          productType
          tags
          descriptionHtml
          createdAt
          updatedAt
          variants(first: 100) {
            nodes {
              id
              title
              sku
              price
              compareAtPrice
              position
              inventoryQuantity
              createdAt
              updatedAt
            }
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
