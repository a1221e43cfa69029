/**
 * What each call the app makes to Shopify is for, in a merchant's words. Error messages say "… while reading orders
 * (OrdersPage)": the words for the person reading the store's status or sync history, the operation name in brackets
 * for support (it is also what the audit trail and the errors' `operation` field carry).
 *
 * Keys are the GraphQL operation names the documents in this folder declare (the name `client.request` is called
 * with), and the names of the few calls that are not GraphQL (OAuth token requests, the bulk result download).
 * operations.test.ts fails when a document or a call lacks its words.
 */
export const SHOPIFY_OPERATION_WORDS: Readonly<Record<string, string>> = {
  // The shop and the app's access
  ShopInfo: "reading the store's details",
  ShopAccess: "checking the app's access to the store",
  AppScopes: "reading which access the store granted the app",
  "oauth:authorization_code": "getting access to the store",
  "oauth:refresh_token": "renewing access to the store",
  // Paginated reads and the follow-ups that complete a page
  CustomersPage: "reading customers",
  OrdersPage: "reading orders",
  OrderLineItems: "reading an order's line items",
  ProductsPage: "reading products",
  ProductVariants: "reading a product's variants",
  // Single records, read when a webhook announces a change
  Customer: "reading a changed customer",
  Product: "reading a changed product",
  // Counts (choosing between pages and a bulk export, and checking for deletions)
  CustomersCount: "counting customers",
  OrdersCount: "counting orders",
  ProductsCount: "counting products",
  // Asked before a bulk export of customer data
  CustomerProtectedDataProbe: "checking that customer details may be read",
  OrderProtectedDataProbe: "checking that order customer details may be read",
  // Bulk exports
  BulkOperationRunQuery: "starting the bulk export",
  BulkOperation: "checking on the bulk export",
  BulkOperationCancel: "cancelling the bulk export",
  "bulk:download": "downloading the bulk export",
  // Finding records deleted in Shopify without a webhook (ADR 0046)
  CustomerIds: "looking for deleted customers",
  OrderIds: "looking for deleted orders",
  ProductIds: "looking for deleted products",
  RecordsExist: "checking which records still exist",
  // Webhook subscriptions
  WebhookSubscriptions: "listing the app's webhooks",
  WebhookSubscriptionCreate: "registering webhooks",
  WebhookSubscriptionDelete: "removing a webhook",
};

/**
 * "while reading orders (OrdersPage)": the call in words, its name in brackets. A name without words (a call added
 * without them, or words given by the caller such as "the customers export") reads "while running <name>".
 */
export function whileRunning(operation: string): string {
  const words = Object.hasOwn(SHOPIFY_OPERATION_WORDS, operation)
    ? SHOPIFY_OPERATION_WORDS[operation]
    : undefined;
  return words ? `while ${words} (${operation})` : `while running ${operation}`;
}
