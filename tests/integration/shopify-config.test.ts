import { readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { SHOPIFY_API_VERSION } from "../../app/platforms/shopify/api-version";
import { envSchema, SHOPIFY_SCOPES } from "../../app/env.server";

const toml = parse(readFileSync("shopify.app.toml", "utf8")) as {
  access_scopes: { scopes: string };
  webhooks: { api_version: string; subscriptions?: { uri: string }[] };
};

describe("shopify.app.toml", () => {
  it("declares the app's API version for webhooks", () => {
    expect(toml.webhooks.api_version).toBe(SHOPIFY_API_VERSION);
  });

  it("requests exactly the scopes the app uses by default", () => {
    const defaults = envSchema.shape.SCOPES.parse(undefined);
    expect(toml.access_scopes.scopes).toBe(defaults);
    expect(defaults.split(",")).toEqual([...SHOPIFY_SCOPES]);
  });

  it("never points a webhook subscription at a missing route", async () => {
    const { readdirSync } = await import("node:fs");
    const routes = new Set(
      readdirSync("app/routes").map((f) => f.replace(/\.tsx?$/, "").replace(/\/route$/, "")),
    );
    for (const sub of toml.webhooks.subscriptions ?? []) {
      const routeName = sub.uri.replace(/^\//, "").replace(/\//g, ".");
      expect(routes.has(routeName), `route file for ${sub.uri}`).toBe(true);
    }
  });
});
