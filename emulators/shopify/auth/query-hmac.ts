/** The HMAC Shopify puts on admin → app redirects (OAuth callback, embedded app URL). */
import { createHmac } from "node:crypto";

/**
 * Hex HMAC-SHA256 over the query without `hmac`/`signature`, keys sorted, form-encoded with %20 for spaces —
 * the message `@shopify/shopify-api`'s `validateHmac` rebuilds.
 */
export function queryHmac(secret: string, params: Record<string, string>): string {
  const search = new URLSearchParams();
  for (const key of Object.keys(params).sort((a, b) => a.localeCompare(b))) {
    if (key === "hmac" || key === "signature") continue;
    search.append(key, params[key]);
  }
  const message = search.toString().replace(/\+/g, "%20");
  return createHmac("sha256", secret).update(message).digest("hex");
}

/** `host` as Shopify sends it: base64 of "{shop}/admin". */
export function hostParam(shop: string): string {
  return Buffer.from(`${shop}/admin`, "utf8").toString("base64").replace(/=+$/, "");
}
