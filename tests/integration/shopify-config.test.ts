import { existsSync, readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { SHOPIFY_API_VERSION } from "../../app/platforms/shopify/api-version";
import { SYNC_WEBHOOK_TOPICS } from "../../app/platforms/shopify/webhook-subscriptions.server";
import { envSchema, SHOPIFY_SCOPES } from "../../app/env.server";

const text = readFileSync("shopify.app.toml", "utf8");
const toml = parse(text) as {
  access_scopes: { scopes: string };
  auth: { redirect_urls: string[] };
  webhooks: {
    api_version: string;
    subscriptions?: { uri: string; topics?: string[]; compliance_topics?: string[] }[];
  };
};
const subscriptions = toml.webhooks.subscriptions ?? [];

/** Each `[[webhooks.subscriptions]]` block's `# Handled by:` comment, in file order. */
const handledBy = text
  .split("[[webhooks.subscriptions]]")
  .slice(1)
  .map((block) => /#\s*Handled by:\s*(\S+)/.exec(block)?.[1] ?? null);

/** The Remix flat-route file serving `uri` (`/webhooks/app/uninstalled` → app/routes/webhooks.app.uninstalled.tsx). */
function routeFileOf(uri: string): string {
  return `/app/routes/${uri.replace(/^\//, "").replace(/\//g, ".")}.tsx`;
}

describe("shopify.app.toml", () => {
  it("declares the app's API version for webhooks", () => {
    expect(toml.webhooks.api_version).toBe(SHOPIFY_API_VERSION);
  });

  it("requests exactly the scopes the app uses by default", () => {
    const defaults = envSchema.shape.SCOPES.parse(undefined);
    expect(toml.access_scopes.scopes).toBe(defaults);
    expect(defaults.split(",")).toEqual([...SHOPIFY_SCOPES]);
  });

  it("subscribes the data topics the sync needs, app/uninstalled, bulk_operations/finish and the compliance topics", () => {
    const topics = subscriptions.flatMap((s) => s.topics ?? []);
    const compliance = subscriptions.flatMap((s) => s.compliance_topics ?? []);
    expect(topics.sort()).toEqual(
      [...SYNC_WEBHOOK_TOPICS, "app/uninstalled", "bulk_operations/finish"].sort(),
    );
    expect(compliance.sort()).toEqual(["customers/data_request", "customers/redact", "shop/redact"]);
    // The data topics go to the route that also receives the shop-scoped subscriptions made through the API.
    expect(subscriptions.find((s) => s.topics?.includes("orders/updated"))?.uri).toBe(
      "/api/webhooks/shopify",
    );
  });

  it("names, for every subscription, the route file that handles it, and that file exists", () => {
    expect(subscriptions.length).toBeGreaterThanOrEqual(6);
    expect(handledBy).toHaveLength(subscriptions.length);
    subscriptions.forEach((sub, i) => {
      expect(handledBy[i], `# Handled by: comment of ${sub.uri}`).toBe(routeFileOf(sub.uri));
      expect(existsSync(`.${handledBy[i]}`), `route file ${handledBy[i]}`).toBe(true);
    });
  });

  it("lists both authorization-code callbacks as redirect URLs", () => {
    expect(toml.auth.redirect_urls.map((u) => new URL(u).pathname)).toEqual([
      "/auth/callback",
      "/api/integrations/shopify/callback",
    ]);
  });
});
