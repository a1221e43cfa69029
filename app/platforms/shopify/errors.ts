/**
 * Errors the Shopify platform raises on purpose. Messages are written for the merchant or developer who reads them
 * (they end up as a run's error or an integration's status reason) and never contain a token or a request body.
 * A call is named in words, its operation name in brackets for support ("while reading orders (OrdersPage)", see
 * queries/operations.ts); the `operation` field keeps the bare name for logs and the API.
 */
import { AppError, RETRIED_LATER } from "../../lib/errors";
import { whileRunning } from "./queries/operations";

/**
 * Shopify answered with an HTTP status the client could not recover from (after retries where they help), or, with
 * `responseStatus` 0, could not be reached at all. `retryable` (server errors, network failures) ends the message
 * with RETRIED_LATER, which a store's status replaces with when the next attempt really is.
 */
export class ShopifyHttpError extends AppError {
  constructor(
    readonly operation: string,
    readonly responseStatus: number,
    detail = "",
    options: { retryable?: boolean } = {},
  ) {
    super(
      "shopify_http_error",
      `${responseStatus === 0 ? "Shopify could not be reached" : `Shopify answered ${responseStatus}`} ` +
        `${whileRunning(operation)}${detail ? `: ${detail}` : ""}.`,
      { httpStatus: 502, ...(options.retryable ? { retryNote: RETRIED_LATER } : {}) },
    );
  }
}

/** The access token was refused (401/403): the app was uninstalled or its access revoked. */
export class ShopifyAuthError extends AppError {
  constructor(
    readonly shop: string,
    readonly responseStatus: number,
  ) {
    super(
      "shopify_access_revoked",
      `Shopify refused Commerce Sync's access to ${shop} (${responseStatus}). Open the app again from the Shopify ` +
        `admin (or reload it) to reconnect it; if it was uninstalled, install it again.`,
      { httpStatus: 502 },
    );
  }
}

/** No offline access token is stored for the shop (never installed, or removed on uninstall). */
export class ShopifyNotInstalledError extends AppError {
  constructor(readonly shop: string) {
    super(
      "shopify_not_installed",
      `Commerce Sync holds no access to ${shop}. Install the app from the Shopify admin (or open it once) to connect the store.`,
      { httpStatus: 409 },
    );
  }
}

/** Throttled again and again: the bucket never had room within the retry budget. */
export class ShopifyThrottledError extends AppError {
  constructor(
    readonly operation: string,
    readonly waitedMs: number,
  ) {
    super(
      "shopify_throttled",
      `Shopify kept throttling the app's requests ${whileRunning(operation)}, after waiting ` +
        `${Math.round(waitedMs / 1000)} s for its rate limit; the next sync will continue.`,
      { httpStatus: 503 },
    );
  }
}

/** The request never completed in time, even after retries. */
export class ShopifyTimeoutError extends AppError {
  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
  ) {
    super(
      "shopify_timeout",
      `Shopify did not answer within ${timeoutMs / 1000} s ${whileRunning(operation)}.`,
      {
        httpStatus: 504,
        retryNote: RETRIED_LATER,
      },
    );
  }
}

/** A query costs more than Shopify accepts for one request: a bug in the app's page sizes, not a merchant problem. */
export class ShopifyQueryCostError extends AppError {
  constructor(
    readonly operation: string,
    readonly requestedCostPoints: number | null,
    readonly maxCostPoints: number,
  ) {
    super(
      "shopify_query_too_costly",
      `Shopify refused a query too costly ${whileRunning(operation)}: it asks for ` +
        `${requestedCostPoints ?? `more than ${maxCostPoints}`} points; Shopify accepts at most ${maxCostPoints} per query.`,
    );
  }
}

/** A scope the app needs is missing (ACCESS_DENIED). */
export class ShopifyAccessDeniedError extends AppError {
  constructor(
    readonly operation: string,
    detail: string,
  ) {
    super(
      "shopify_access_denied",
      `Shopify denied access ${whileRunning(operation)}: ${detail} Reinstall the app from the Shopify admin to ` +
        `grant the missing access.`,
      { httpStatus: 502 },
    );
  }
}

/**
 * Shopify has not approved the app for protected customer data: names, emails, phones and addresses come back null
 * and customer/order webhooks are refused. Syncing contacts without them would create empty people, so the read stops.
 */
export class ShopifyProtectedDataError extends AppError {
  constructor(readonly operation: string) {
    super(
      "shopify_protected_customer_data",
      "Shopify has not approved Commerce Sync to read protected customer data (names, emails, phone numbers, " +
        "addresses), so customers and orders cannot be synced. The app developer must request access in the Partner " +
        "Dashboard (API access → Protected customer data, with name, email, phone and address); after approval, run " +
        "a full sync. Products keep syncing meanwhile.",
      { httpStatus: 502 },
    );
  }
}

/** GraphQL errors the client does not otherwise understand. */
export class ShopifyGraphqlError extends AppError {
  constructor(
    readonly operation: string,
    readonly errorCodes: string[],
    firstMessage: string,
  ) {
    super(
      "shopify_graphql_error",
      `Shopify rejected the request ${whileRunning(operation)}: ${firstMessage}`,
      { httpStatus: 502 },
    );
  }
}

/** A mutation answered with userErrors. */
export class ShopifyUserError extends AppError {
  constructor(
    readonly operation: string,
    readonly userErrors: Array<{ field?: string[] | null; message: string; code?: string | null }>,
  ) {
    super(
      "shopify_user_error",
      `Shopify refused the request ${whileRunning(operation)}: ${userErrors.map((e) => e.message).join("; ")}`,
      { httpStatus: 502 },
    );
  }
}

/** A bulk operation ended without a usable result. */
export class ShopifyBulkOperationError extends AppError {
  constructor(
    readonly operationId: string,
    readonly status: string,
    readonly errorCode: string | null,
  ) {
    super(
      "shopify_bulk_operation_failed",
      `Shopify's export of the store data ended ${status.toLowerCase()}${errorCode ? ` (${errorCode})` : ""}.`,
      { httpStatus: 502 },
    );
  }
}

/** A bulk export's result file kept arriving incomplete (cut connection, truncated file). */
export class ShopifyBulkDownloadError extends AppError {
  constructor(
    readonly resource: string,
    readonly detail: string,
  ) {
    super(
      "shopify_bulk_download_incomplete",
      `Shopify's export of your ${resource} could not be downloaded completely (${detail}). Nothing was lost: the ` +
        `next sync downloads it again.`,
      { httpStatus: 502 },
    );
  }
}
