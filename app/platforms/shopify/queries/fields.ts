/**
 * Field selections shared by the page queries (incremental syncs) and the bulk queries (history), so both read
 * exactly the same data and map through the same code. Composed into documents; validated through them by the
 * guard test.
 */
const MONEY_BAG = `
  shopMoney {
    amount
    currencyCode
  }
  presentmentMoney {
    amount
    currencyCode
  }
`;

export const CUSTOMER_FIELDS = `
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
`;

export const ORDER_FIELDS = `
  id
  legacyResourceId
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
  totalPriceSet {${MONEY_BAG}}
  test
  tags
  processedAt
  createdAt
  updatedAt
  cancelledAt
`;

export const LINE_ITEM_FIELDS = `
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
  originalUnitPriceSet {${MONEY_BAG}}
`;

export const PRODUCT_FIELDS = `
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
`;

export const VARIANT_FIELDS = `
  id
  title
  sku
  price
  compareAtPrice
  position
  inventoryQuantity
  createdAt
  updatedAt
`;
