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

/** Sends a REST result (HEAD: headers and length only). */
export function sendRest(res: ServerResponse, siteUrl: string, result: RestResult, head = false): void {
  const headers: Record<string, string> = { ...JSON_HEADERS, ...result.headers };
  if (!headers.Link) headers.Link = `<${siteUrl}/wp-json/>; rel="https://api.w.org/"`;
  const body = phpJsonEncode(result.body);
  if (head) {
    if (res.headersSent) return;
    res.writeHead(result.status, { ...headers, "Content-Length": String(Buffer.byteLength(body)) });
    res.end();
    return;
  }
  sendText(res, result.status, body, headers);
}
