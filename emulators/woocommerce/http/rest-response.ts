/** How WordPress writes a REST answer: its headers, `wp_json_encode` bytes, the API discovery Link by default. */
import type { ServerResponse } from "node:http";
import { sendText } from "../../shared/http";
import { phpJsonEncode } from "../php";
import type { RestResult } from "../rest/request";

const JSON_HEADERS: Record<string, string> = {
  "X-Powered-By": "PHP/8.2.36",
  "Content-Type": "application/json; charset=UTF-8",
  "X-Robots-Tag": "noindex",
  "X-Content-Type-Options": "nosniff",
  "Access-Control-Expose-Headers": "X-WP-Total, X-WP-TotalPages, Link",
  "Access-Control-Allow-Headers": "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type",
  Expires: "Wed, 11 Jan 1984 05:00:00 GMT",
  "Cache-Control": "no-cache, must-revalidate, max-age=0, no-store, private",
};

/** What PHP prints into an answer before WordPress writes it (the `php-notice` fault). */
export interface PrintedOutput {
  text: string;
  /**
   * No output buffering: the text went out before WordPress's headers, so PHP's defaults are the answer's (200,
   * text/html) and each header WordPress then sends is refused with `headersSentWarning`.
   */
  unbuffered: boolean;
  headersSentWarning: string;
}

const printedBefore = new WeakMap<ServerResponse, PrintedOutput>();

/** Makes `sendRest` put PHP's output before this answer's JSON. */
export function printBeforeAnswer(res: ServerResponse, output: PrintedOutput): void {
  printedBefore.set(res, output);
}

/** Sends a REST result (HEAD: headers and length only). */
export function sendRest(res: ServerResponse, siteUrl: string, result: RestResult, head = false): void {
  let status = result.status;
  let headers: Record<string, string> = { ...JSON_HEADERS, ...result.headers };
  if (!headers.Link) headers.Link = `<${siteUrl}/wp-json/>; rel="https://api.w.org/"`;
  let body = phpJsonEncode(result.body);
  const printed = printedBefore.get(res);
  if (printed?.unbuffered) {
    status = 200;
    headers = { "X-Powered-By": JSON_HEADERS["X-Powered-By"], "Content-Type": "text/html; charset=UTF-8" };
    body = `${printed.text}${printed.headersSentWarning}${body}`;
  } else if (printed) {
    body = `${printed.text}${body}`;
  }
  if (head) {
    if (res.headersSent) return;
    res.writeHead(status, { ...headers, "Content-Length": String(Buffer.byteLength(body)) });
    res.end();
    return;
  }
  sendText(res, status, body, headers);
}
