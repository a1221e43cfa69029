/**
 * What the emulator reads from the app's shopify.app.toml: the `[webhooks]` part — `api_version` (the version every
 * delivery uses) and the declared `[[webhooks.subscriptions]]` (`topics` and `compliance_topics`, `uri` relative to
 * the app URL, optional `name`) — and `[access_scopes] scopes`, what a Shopify-managed install grants.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse as parseToml } from "smol-toml";

export interface TomlWebhookConfig {
  apiVersion: string | null;
  subscriptions: { topics: string[]; uri: string; compliance: boolean; name: string | null }[];
}

/** `<repo>/shopify.app.toml`. */
export function defaultTomlPath(): string {
  return fileURLToPath(new URL("../../../shopify.app.toml", import.meta.url));
}

/** Reads the `[webhooks]` part of shopify.app.toml; a missing file means no subscriptions. */
export function loadTomlWebhooks(path: string | null): TomlWebhookConfig {
  if (!path || !existsSync(path)) return { apiVersion: null, subscriptions: [] };
  const doc = parseToml(readFileSync(path, "utf8")) as Record<string, unknown>;
  const webhooks = (doc.webhooks ?? {}) as Record<string, unknown>;
  const apiVersion = typeof webhooks.api_version === "string" ? webhooks.api_version : null;
  const subs = Array.isArray(webhooks.subscriptions)
    ? (webhooks.subscriptions as Record<string, unknown>[])
    : [];
  const subscriptions: TomlWebhookConfig["subscriptions"] = [];
  for (const sub of subs) {
    const uri = typeof sub.uri === "string" ? sub.uri : null;
    if (!uri) continue;
    const topics = Array.isArray(sub.topics)
      ? sub.topics.filter((t): t is string => typeof t === "string")
      : [];
    const compliance = Array.isArray(sub.compliance_topics)
      ? sub.compliance_topics.filter((t): t is string => typeof t === "string")
      : [];
    const name = typeof sub.name === "string" && sub.name ? sub.name : null;
    if (topics.length) subscriptions.push({ topics, uri, compliance: false, name });
    if (compliance.length) subscriptions.push({ topics: compliance, uri, compliance: true, name });
  }
  return { apiVersion, subscriptions };
}

/**
 * `[access_scopes] scopes` of shopify.app.toml ("read_orders,read_products" → ["read_orders", "read_products"]):
 * the scopes Shopify grants on a Shopify-managed install. Null when the file or the key is missing.
 */
export function loadTomlAccessScopes(path: string | null): string[] | null {
  if (!path || !existsSync(path)) return null;
  const doc = parseToml(readFileSync(path, "utf8")) as Record<string, unknown>;
  const scopes = (doc.access_scopes as Record<string, unknown> | undefined)?.scopes;
  if (typeof scopes !== "string") return null;
  return scopes
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
