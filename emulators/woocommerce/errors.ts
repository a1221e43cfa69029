/** WordPress REST errors as WooCommerce answers them: `{code, message, data: {status, ...}}`. */

export class RestError extends Error {
  /**
   * @param extraData merged into `data` beside `status`.
   * @param bareData when set, `data` is this bare number instead of an object — WooCommerce passes a bare status to
   *   some WP_Error constructors (refunds), and WordPress then answers HTTP 500 with `"data": <that number>`.
   */
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extraData: Record<string, unknown> = {},
    readonly bareData?: number,
  ) {
    super(message);
    this.name = "RestError";
  }

  body(): Record<string, unknown> {
    const data = this.bareData ?? { status: this.status, ...this.extraData };
    return { code: this.code, message: this.message, data };
  }
}

/** WooCommerce's `new WP_Error(code, message, <number>)`: answered as HTTP 500 with `data` the bare number. */
export function bareStatusError(code: string, message: string, dataStatus: number): RestError {
  return new RestError(500, code, message, {}, dataStatus);
}

export function noRoute(): RestError {
  return new RestError(404, "rest_no_route", "No route was found matching the URL and request method.");
}

/** WordPress's `wp_sprintf('%l')`: "a, b, and c" / "a and b". */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  if (items.length === 2) return `${items[0]} and ${items[1]}`;
  return `${items.slice(0, -1).join(", ")}, and ${items[items.length - 1]}`;
}

/** WordPress's 400 for required arguments that are missing (`rest_missing_callback_param`). */
export function missingParams(names: string[]): RestError {
  return new RestError(400, "rest_missing_callback_param", `Missing parameter(s): ${names.join(", ")}`, {
    params: names,
  });
}
