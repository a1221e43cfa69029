import { describe, expect, it } from "vitest";
import { isCrossSiteFormPost } from "./app-server.server";

const form = (headers: Record<string, string>, method = "POST") => ({
  method,
  headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
});

describe("isCrossSiteFormPost (the production server's cross-site form check)", () => {
  it("refuses a form posted from another site", () => {
    expect(isCrossSiteFormPost(form({ host: "app.example.com", origin: "https://evil.example" }), 0)).toBe(
      true,
    );
  });

  it("accepts a form posted from the app's own host, and requests without Origin or that are not forms", () => {
    expect(isCrossSiteFormPost(form({ host: "app.example.com", origin: "https://app.example.com" }), 0)).toBe(
      false,
    );
    expect(isCrossSiteFormPost(form({ host: "app.example.com" }), 0)).toBe(false);
    expect(
      isCrossSiteFormPost(
        form({ host: "app.example.com", origin: "https://evil.example", "content-type": "application/json" }),
        0,
      ),
    ).toBe(false);
    expect(
      isCrossSiteFormPost(form({ host: "app.example.com", origin: "https://evil.example" }, "GET"), 0),
    ).toBe(false);
  });

  it("ignores X-Forwarded-Host when no proxy is trusted: a client cannot name the host its Origin is checked against", () => {
    const forged = form({
      host: "app.example.com",
      origin: "https://evil.example",
      "x-forwarded-host": "evil.example",
    });
    expect(isCrossSiteFormPost(forged, 0)).toBe(true);
  });

  it("checks the Origin against X-Forwarded-Host behind trusted proxies (the public host the proxy was asked for)", () => {
    const proxied = { host: "10.0.0.5:3000", "x-forwarded-host": "app.example.com" };
    expect(isCrossSiteFormPost(form({ ...proxied, origin: "https://app.example.com" }), 1)).toBe(false);
    expect(isCrossSiteFormPost(form({ ...proxied, origin: "https://evil.example" }), 1)).toBe(true);
  });
});
