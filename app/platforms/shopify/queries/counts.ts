/** One record count (progress bars, bulk-or-pages choice). `limit: null` lifts Shopify's default cap of 10,000. */
export const CUSTOMERS_COUNT_QUERY = `#graphql
  query CustomersCount($query: String) {
    customersCount(query: $query, limit: null) {
      count
      precision
    }
  }
`;

export const ORDERS_COUNT_QUERY = `#graphql
  query OrdersCount($query: String) {
    ordersCount(query: $query, limit: null) {
      count
      precision
    }
  }
`;

export const PRODUCTS_COUNT_QUERY = `#graphql
  query ProductsCount($query: String) {
    productsCount(query: $query, limit: null) {
      count
      precision
    }
  }
`;
