import { describe, expect, it } from "vitest";
import { normalizeStoreUrl, sameSite } from "./store-url";

describe("store URL normalization", () => {
  it.each([
    ["mystore.com", "https://mystore.com"],
    ["  https://MyStore.com/  ", "https://mystore.com"],
    ["HTTPS://WWW.Shop.com/shop/", "https://www.shop.com/shop"],
    ["https://shop.com/shop//", "https://shop.com/shop"],
    ["https://shop.com/wp-admin/admin.php?page=wc-settings&tab=advanced", "https://shop.com"],
    ["https://shop.com/blog/wp-json/wc/v3", "https://shop.com/blog"],
    ["https://shop.com/?utm_source=x#top", "https://shop.com"],
    ["https://shop.com:443/", "https://shop.com"],
    ["shop.com:8443", "https://shop.com:8443"],
    ["http://127.0.0.1:4200", "http://127.0.0.1:4200"],
    ["http://localhost:4200/", "http://localhost:4200"],
    ["https://shop.com./", "https://shop.com"],
  ])("%s → %s", (input, expected) => {
    expect(normalizeStoreUrl(input).url).toBe(expected);
  });

  it("keeps a path install's path", () => {
    expect(normalizeStoreUrl("example.com/shop")).toMatchObject({ path: "/shop", hostname: "example.com" });
  });

  it.each([
    ["", /Enter your store's address/],
    ["file:///etc/passwd", /Only https:\/\//],
    ["javascript:alert(1)", /Only https:\/\//],
    ["ftp://shop.com", /Only https:\/\//],
    ["https://user:pass@shop.com", /without a user name or password/],
    ["https://intranet/", /no domain name/],
    ["http://", /not a web address/],
  ])("refuses %j with a message a person can act on", (input, message) => {
    expect(() => normalizeStoreUrl(input)).toThrow(message);
  });

  it.each([
    [`https://${"a".repeat(3000)}.com`, /not a valid domain name/],
    [`https://${"a".repeat(64)}.com`, /not a valid domain name/],
    [`https://${"abcdefghij.".repeat(25)}com`, /not a valid domain name/],
    [`https://shop.com/${"a".repeat(600)}`, /too long for a store address/],
  ])("refuses an overlong address without repeating it whole (%#)", (input, message) => {
    let error: Error | undefined;
    try {
      normalizeStoreUrl(input);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(message);
    expect(error!.message.length).toBeLessThan(250);
  });

  it("accepts the longest names DNS allows", () => {
    const label = "a".repeat(63);
    const host = `${label}.${label}.${label}.${"b".repeat(57)}.com`; // 253 characters
    expect(normalizeStoreUrl(`https://${host}/shop`).hostname).toBe(host);
  });

  it("treats www. and the bare domain as the same site", () => {
    expect(sameSite(normalizeStoreUrl("www.shop.com"), normalizeStoreUrl("https://shop.com"))).toBe(true);
    expect(sameSite(normalizeStoreUrl("shop.com/a"), normalizeStoreUrl("shop.com/b"))).toBe(false);
  });
});
