import { describe, expect, it } from "vitest";
import { REDACTED, redactRequestTarget } from "./request-log";

describe("redactRequestTarget", () => {
  it("keeps paths without a query as they are", () => {
    expect(redactRequestTarget("/healthz")).toBe("/healthz");
    expect(redactRequestTarget("/api/integrations/abc/sync")).toBe("/api/integrations/abc/sync");
  });

  it("redacts Shopify's signed and bearer query values but keeps the shop", () => {
    const out = redactRequestTarget(
      "/app?embedded=1&hmac=deadbeef&host=YWRtaW4&id_token=eyJhbGciOi.x.y&locale=en&session=abc123&shop=a.myshopify.com&timestamp=1",
    );
    expect(out).toBe(
      `/app?embedded=1&hmac=${REDACTED}&host=${REDACTED}&id_token=${REDACTED}&locale=en&session=${REDACTED}&shop=a.myshopify.com&timestamp=1`,
    );
  });

  it("redacts OAuth codes and state, WooCommerce keys and OAuth 1.0a signatures, unknown parameters", () => {
    const out = redactRequestTarget(
      "/auth/callback?code=c0de&state=st4te&consumer_key=ck_1&consumer_secret=cs_2&oauth_signature=S1gn4ture&whatever=v",
    );
    for (const secret of ["c0de", "st4te", "ck_1", "cs_2", "S1gn4ture", "=v"])
      expect(out).not.toContain(secret);
    expect(out).toContain(`code=${REDACTED}`);
  });

  it("redacts the key-approval attempt id in the path and the query, and values smuggled without a name", () => {
    expect(redactRequestTarget("/wc-auth/callback/AbCdEf123")).toBe(`/wc-auth/callback/${REDACTED}`);
    expect(redactRequestTarget("/woocommerce/connect/return?attempt=AbC&success=1&user_id=AbC")).toBe(
      `/woocommerce/connect/return?attempt=${REDACTED}&success=1&user_id=${REDACTED}`,
    );
    expect(redactRequestTarget("/x?eyJsecret")).toBe(`/x?${REDACTED}`);
    expect(redactRequestTarget("/x?%E0%A4%A=1")).toBe(`/x?%E0%A4%A=${REDACTED}`);
    expect(redactRequestTarget("/x?a b<script>=1")).toBe(`/x?${REDACTED}=${REDACTED}`);
  });
});
