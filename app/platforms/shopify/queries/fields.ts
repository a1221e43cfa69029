/**
 * Field selections shared by the page queries (small stores, incremental syncs, webhook reads) and the bulk queries
 * (history), so both read exactly the same data and map through the same code (../mapping). Valid against Admin
 * 2026-07 with no deprecated field (the guard test checks every document built from them).
 *
 * SMS consent is not read: in 2026-07 it is only reachable through deprecated fields (see ADR 0006).
 */
const SHOP_MONEY = `
  shopMoney {
    amount
    currencyCode
  }
`;

export const CUSTOMER_FIELDS = `
  id
  legacyResourceId
  firstName
  lastName
  state
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
  billingAddress {
    firstName
    lastName
    phone
  }
  displayFinancialStatus
  displayFulfillmentStatus
  currencyCode
  totalPriceSet {${SHOP_MONEY}}
  processedAt
  createdAt
  updatedAt
  cancelledAt
  cancelReason
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
  originalUnitPriceSet {${SHOP_MONEY}}
`;

export const PRODUCT_FIELDS = `
  id
  legacyResourceId
  title
  handle
  status
  vendor
  productType
  updatedAt
`;

export const VARIANT_FIELDS = `
  id
  title
  sku
  price
  updatedAt
`;
