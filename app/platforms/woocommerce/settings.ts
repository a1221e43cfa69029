/**
 * What the WooCommerce module keeps in `Integration.settings` (JSON shared with other features), under its own
 * `woocommerce` key so nothing else's settings are touched. Pure.
 */
import type { WooKeyPermissions } from "./types";

export interface WooSettings {
  storeName?: string;
  currency?: string | null;
  wooCommerceVersion?: string | null;
  wordPressVersion?: string | null;
  /** The key cannot write: no webhooks, scheduled syncs only (the owner accepted it). */
  readOnly?: boolean;
  keyPermissions?: WooKeyPermissions | null;
  /** The store's web server drops the Authorization header: send the key as query parameters (https only). */
  authInQuery?: boolean;
  /** WordPress does not see the store's https (a proxy ends TLS): sign with OAuth 1.0a over http:// (https only). */
  oauthOverHttps?: boolean;
  /** Overrides the deployment's page concurrency for this store (a slow host). */
  pageConcurrency?: number;
  /**
   * The store prints PHP messages into its REST answers (display_errors / WP_DEBUG_DISPLAY on): they are read past,
   * and its pages say so once until a sync reads it clean (ADR 0058). Null or absent: none seen.
   */
  phpNotice?: PhpNoticeSeen | null;
}

/** PHP output seen in a store's answers (`WooSettings.phpNotice`). */
export interface PhpNoticeSeen {
  /** The first message's first line (tags gone, server paths shortened), as `readStoreBody` names it. */
  message: string;
  /** When it was first seen (ISO 8601); kept while later syncs still see messages. */
  since: string;
}

/** How a client sends the key to this store over https (client.server.ts), as the connect found it. */
export interface KeyTransportOptions {
  authInQuery?: boolean;
  oauthOverHttps?: boolean;
}

export function keyTransportOf(settings: unknown): KeyTransportOptions {
  const { authInQuery, oauthOverHttps } = wooSettingsOf(settings);
  return { authInQuery, oauthOverHttps };
}

export function wooSettingsOf(settings: unknown): WooSettings {
  const own = (settings as { woocommerce?: unknown } | null)?.woocommerce;
  return own && typeof own === "object" ? (own as WooSettings) : {};
}

/** `settings` with the WooCommerce part replaced by `patch` merged over it; other keys kept. */
export function withWooSettings(settings: unknown, patch: WooSettings): Record<string, unknown> {
  const base = settings && typeof settings === "object" ? (settings as Record<string, unknown>) : {};
  return { ...base, woocommerce: { ...wooSettingsOf(settings), ...patch } };
}
