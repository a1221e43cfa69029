/** WordPress REST errors as WooCommerce answers them: `{code, message, data: {status, ...}}`. */

export class RestError extends Error {
  /** Headers the answer carries besides WordPress's usual ones (the matched route's `Allow`). */
  readonly headers: Record<string, string> = {};

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

/**
 * One invalid argument as WordPress reports it under `data.details`: a type error carries `{param}` (the argument,
 * or the item: `include[2]`), the other schema errors no data.
 */
export type ParamDetail = { code: string; message: string; data: null | { param: string } };

/**
 * WordPress's 400 `rest_invalid_param` (WP_REST_Request::has_valid_params), listing each invalid parameter with its
 * message (`params`) and its error code (`details`): both, whichever argument failed.
 */
export function invalidParams(details: Record<string, ParamDetail>): RestError {
  const names = Object.keys(details);
  const params = Object.fromEntries(names.map((name) => [name, details[name].message]));
  return new RestError(400, "rest_invalid_param", `Invalid parameter(s): ${names.join(", ")}`, {
    params,
    details,
  });
}

/** The 400 for a value outside an argument's `enum` (`rest_not_in_enum`), as WordPress's schema check words it. */
export function notInEnum(name: string, values: readonly string[]): RestError {
  const message = `${name} is not one of ${listWords(values)}.`;
  return invalidParams({ [name]: { code: "rest_not_in_enum", message, data: null } });
}

/** WordPress's 400 for required arguments that are missing (`rest_missing_callback_param`). */
export function missingParams(names: string[]): RestError {
  return new RestError(400, "rest_missing_callback_param", `Missing parameter(s): ${names.join(", ")}`, {
    params: names,
  });
}
