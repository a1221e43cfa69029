import { PRODUCT_FIELDS, VARIANT_FIELDS } from "./fields";

/** Products: one page with the first variants of each product; the rest through PRODUCT_VARIANTS_QUERY. */
export const PRODUCTS_PAGE_QUERY = `#graphql
  query ProductsPage($first: Int!, $after: String, $query: String, $variants: Int!) {
    products(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes {${PRODUCT_FIELDS}
        variants(first: $variants) {
          nodes {${VARIANT_FIELDS}}
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

/**
 * One product with its first variants (the rest through PRODUCT_VARIANTS_QUERY): a products/update webhook of a
 * product with more variants than the body carries in full is read here.
 */
export const PRODUCT_QUERY = `#graphql
  query Product($id: ID!, $variants: Int!) {
    product(id: $id) {${PRODUCT_FIELDS}
      variants(first: $variants) {
        nodes {${VARIANT_FIELDS}}
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;

/** The remaining variants of one product. */
export const PRODUCT_VARIANTS_QUERY = `#graphql
  query ProductVariants($id: ID!, $first: Int!, $after: String) {
    product(id: $id) {
      variants(first: $first, after: $after) {
        nodes {${VARIANT_FIELDS}}
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;
