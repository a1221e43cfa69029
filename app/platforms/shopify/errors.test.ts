/**
 * What a merchant reads when a call to Shopify fails: the call in words, its operation name in brackets for support.
 * The codes, HTTP statuses and the bare `operation` field stay as logs and the API know them.
 */
import { describe, expect, it } from "vitest";
import {
  ShopifyAccessDeniedError,
  ShopifyGraphqlError,
  ShopifyHttpError,
  ShopifyQueryCostError,
  ShopifyThrottledError,
  ShopifyTimeoutError,
  ShopifyUserError,
} from "./errors";

describe("Shopify error messages", () => {
  it.each([
    [
      new ShopifyHttpError("OrdersPage", 503, "Shopify is having trouble", { retryable: true }),
      "shopify_http_error",
      502,
      "Shopify answered 503 while reading orders (OrdersPage): Shopify is having trouble. Commerce Sync will try again later.",
    ],
    [
      new ShopifyHttpError("bulk:download", 0, "fetch failed"),
      "shopify_http_error",
      502,
      "Shopify could not be reached while downloading the bulk export (bulk:download): fetch failed.",
    ],
    [
      new ShopifyHttpError("oauth:refresh_token", 500),
      "shopify_http_error",
      502,
      "Shopify answered 500 while renewing access to the store (oauth:refresh_token).",
    ],
    [
      new ShopifyTimeoutError("ShopAccess", 30_000),
      "shopify_timeout",
      504,
      "Shopify did not answer within 30 s while checking the app's access to the store (ShopAccess). Commerce Sync will try again later.",
    ],
    [
      new ShopifyThrottledError("CustomersPage", 12_400),
      "shopify_throttled",
      503,
      "Shopify kept throttling the app's requests while reading customers (CustomersPage), after waiting 12 s for " +
        "its rate limit; the next sync will continue.",
    ],
    [
      new ShopifyQueryCostError("ProductsPage", 1_204, 1_000),
      "shopify_query_too_costly",
      500,
      "Shopify refused a query too costly while reading products (ProductsPage): it asks for 1204 points; Shopify " +
        "accepts at most 1000 per query.",
    ],
    [
      new ShopifyQueryCostError("ProductsPage", null, 1_000),
      "shopify_query_too_costly",
      500,
      "Shopify refused a query too costly while reading products (ProductsPage): it asks for more than 1000 points; " +
        "Shopify accepts at most 1000 per query.",
    ],
    [
      new ShopifyAccessDeniedError("OrdersCount", "Access denied for ordersCount field."),
      "shopify_access_denied",
      502,
      "Shopify denied access while counting orders (OrdersCount): Access denied for ordersCount field. Reinstall the " +
        "app from the Shopify admin to grant the missing access.",
    ],
    [
      new ShopifyAccessDeniedError("the orders export", "the app lacks an access scope it needs."),
      "shopify_access_denied",
      502,
      "Shopify denied access while running the orders export: the app lacks an access scope it needs. Reinstall the " +
        "app from the Shopify admin to grant the missing access.",
    ],
    [
      new ShopifyGraphqlError(
        "WebhookSubscriptions",
        ["undefinedField"],
        "Field 'foo' doesn't exist on type 'Shop'",
      ),
      "shopify_graphql_error",
      502,
      "Shopify rejected the request while listing the app's webhooks (WebhookSubscriptions): Field 'foo' doesn't " +
        "exist on type 'Shop'",
    ],
    [
      new ShopifyUserError("BulkOperationRunQuery", [
        { message: "Invalid bulk query" },
        { message: "Try again" },
      ]),
      "shopify_user_error",
      502,
      "Shopify refused the request while starting the bulk export (BulkOperationRunQuery): Invalid bulk query; " +
        "Try again",
    ],
  ])(
    "GIVEN %s WHEN shown THEN it keeps its code and status and names the call in words",
    (error, code, status, text) => {
      expect(error.code).toBe(code);
      expect(error.httpStatus).toBe(status);
      expect(error.message).toBe(text);
    },
  );

  it("GIVEN an error about a call WHEN its fields are read THEN `operation` is the bare operation name", () => {
    expect(new ShopifyHttpError("OrdersPage", 503).operation).toBe("OrdersPage");
    expect(new ShopifyTimeoutError("ShopAccess", 30_000).operation).toBe("ShopAccess");
    expect(new ShopifyThrottledError("CustomersPage", 0).operation).toBe("CustomersPage");
    expect(new ShopifyUserError("BulkOperationRunQuery", []).operation).toBe("BulkOperationRunQuery");
  });
});
