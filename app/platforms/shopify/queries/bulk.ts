/**
 * Bulk operations for full (historical) syncs. The inner queries are plain strings passed as the `query`
 * argument of bulkOperationRunQuery; `{{FILTER}}` is replaced by a search filter (or nothing) before sending.
 */
export const BULK_CUSTOMERS_QUERY = `#graphql
  {
    customers(query: "{{FILTER}}") {
      edges {
        node {
          id
          firstName
          lastName
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
          }
          createdAt
          updatedAt
        }
      }
    }
  }
`;

export const BULK_ORDERS_QUERY = `#graphql
  {
    orders(query: "{{FILTER}}") {
      edges {
        node {
          id
          name
          email
          phone
          customer {
            id
          }
          displayFinancialStatus
          displayFulfillmentStatus
          currencyCode
          presentmentCurrencyCode
          totalPriceSet {
            shopMoney {
              amount
              currencyCode
            }
            presentmentMoney {
              amount
              currencyCode
            }
          }
          test
          tags
          processedAt
          createdAt
          updatedAt
          cancelledAt
          lineItems {
            edges {
              node {
                id
                title
                sku
                quantity
                product {
                  id
                }
                variant {
                  id
                }
                originalUnitPriceSet {
                  shopMoney {
                    amount
                    currencyCode
                  }
                  presentmentMoney {
                    amount
                    currencyCode
                  }
                }
              }
            }
          }
        }
      }
    }
  }
`;

export const BULK_PRODUCTS_QUERY = `#graphql
  {
    products(query: "{{FILTER}}") {
      edges {
        node {
          id
          title
          handle
          status
          vendor
          productType
          tags
          descriptionHtml
          createdAt
          updatedAt
          variants {
            edges {
              node {
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
      }
    }
  }
`;

/** Starts a bulk query; `$query` is one of the BULK_* documents with its filter filled in. */
export const BULK_OPERATION_RUN_QUERY = `#graphql
  mutation BulkOperationRunQuery($query: String!) {
    bulkOperationRunQuery(query: $query) {
      bulkOperation {
        id
        status
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export const BULK_OPERATION_STATUS_QUERY = `#graphql
  query BulkOperationStatus($id: ID!) {
    node(id: $id) {
      ... on BulkOperation {
        id
        status
        errorCode
        objectCount
        rootObjectCount
        fileSize
        url
        partialDataUrl
        createdAt
        completedAt
      }
    }
  }
`;

export const CURRENT_BULK_OPERATION_QUERY = `#graphql
  query CurrentBulkOperation {
    currentBulkOperation {
      id
      status
      errorCode
      objectCount
      url
      partialDataUrl
    }
  }
`;

export const BULK_OPERATION_CANCEL_MUTATION = `#graphql
  mutation BulkOperationCancel($id: ID!) {
    bulkOperationCancel(id: $id) {
      bulkOperation {
        id
        status
      }
      userErrors {
        field
        message
      }
    }
  }
`;
