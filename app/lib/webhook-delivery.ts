/**
 * A webhook delivery as the HTTP layer hands it to an intake function, and the intake's answer — plain data instead
 * of a Fetch `Request`/`Response`. The production server's fast path (app/lib/app-server.server.ts) fills it
 * straight from node:http (the headers object Node parsed, the body buffer it read), so no Request, Headers or body
 * stream is built per delivery; the Remix routes convert their Request with `deliveryFromRequest` and the answer with
 * `responseFrom`. One intake function serves both (docs/decisions/0035-webhook-intake-fast-path.md).
 */

/** Header values by lower-case name, as Node's `IncomingMessage.headers` holds them. */
export type DeliveryHeaders = Record<string, string | string[] | undefined>;

export interface WebhookDelivery {
  method: string;
  /** Lower-case names. */
  headers: DeliveryHeaders;
  /** The body's bytes exactly as received: signatures cover these. */
  rawBody: Buffer;
  /** The request URL's query (WooCommerce names the integration there). */
  searchParams: URLSearchParams;
}

export interface WebhookAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** One header's value (repeated headers joined with ", ", as `Headers.get` does), or null. */
export function deliveryHeader(headers: DeliveryHeaders, lowerCaseName: string): string | null {
  const value = headers[lowerCaseName];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(", ") : value;
}

/** The body as text: UTF-8, a leading byte-order mark dropped (what `Request.text()` does). */
export function deliveryText(rawBody: Buffer): string {
  const bom = rawBody.length >= 3 && rawBody[0] === 0xef && rawBody[1] === 0xbb && rawBody[2] === 0xbf;
  return rawBody.toString("utf8", bom ? 3 : 0);
}

/** A Fetch Request (a Remix route's) as a delivery. Reads the body. */
export async function deliveryFromRequest(request: Request): Promise<WebhookDelivery> {
  // No prototype: a header may be called anything, `__proto__` included. Fetch Headers are already lower-case and
  // join repeated values.
  const headers: DeliveryHeaders = Object.create(null) as DeliveryHeaders;
  request.headers.forEach((value, name) => (headers[name] = value));
  return {
    method: request.method,
    headers,
    rawBody: Buffer.from(await request.arrayBuffer()),
    searchParams: new URL(request.url).searchParams,
  };
}

/** The answer as a Fetch Response (for a Remix route). */
export function responseFrom(answer: WebhookAnswer): Response {
  return new Response(answer.body ?? null, { status: answer.status, headers: answer.headers });
}
