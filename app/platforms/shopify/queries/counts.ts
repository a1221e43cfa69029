/** Record counts (progress bars, reconcile checks). `limit: null` lifts Shopify's default cap of 10,000. */
export const COUNTS_QUERY = `#graphql
  query Counts($query: String) {
    customersCount(query: $query) {
      count
      precision
    }
    ordersCount(query: $query, limit: null) {
      count
      precision
    }
    productsCount(query: $query, limit: null) {
      count
      precision
    }
  }
`;
