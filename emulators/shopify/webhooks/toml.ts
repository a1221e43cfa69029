/**
 * The `[webhooks]` part of the app's shopify.app.toml: `api_version` (the version every delivery uses) and the
 * declared `[[webhooks.subscriptions]]` (`topics` and `compliance_topics`, `uri` relative to the app URL).
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
