/**
 * The connected shop's identity (name, currency, plan), read once through GraphQL and kept in the integration's
 * settings under `shopify`, so webhook processing can price products without asking Shopify every time.
 */
import { updateIntegrationSettings } from "../../db/integration-settings.server";
import { jsonObject as settingsObject } from "../../lib/json";
import type { AppDb } from "../../sync/platform";
import type { ShopifyGraphqlClient } from "./client.server";
import { SHOP_QUERY } from "./queries/shop";

export interface ShopInfo {
  name: string;
  currencyCode: string;
  timezone: string | null;
  plan: string | null;
  shopifyPlus: boolean;
}

interface ShopNode {
  name: string;
  currencyCode: string;
  ianaTimezone: string | null;
  plan: { publicDisplayName: string; shopifyPlus: boolean } | null;
}

/** The shop info kept in an integration's settings, if any. */
export function storedShopInfo(settings: unknown): ShopInfo | null {
  const info = settingsObject(settings).shopify as Partial<ShopInfo> | undefined;
  return info?.currencyCode ? (info as ShopInfo) : null;
}

/** Reads the shop through GraphQL. */
export async function fetchShopInfo(client: ShopifyGraphqlClient, signal?: AbortSignal): Promise<ShopInfo> {
  const { shop } = await client.request<{ shop: ShopNode }>("ShopInfo", SHOP_QUERY, {}, { signal });
  return {
    name: shop.name,
    currencyCode: shop.currencyCode,
    timezone: shop.ianaTimezone ?? null,
    plan: shop.plan?.publicDisplayName ?? null,
    shopifyPlus: shop.plan?.shopifyPlus ?? false,
  };
}

/** Keeps `info` in the integration's settings (other settings untouched, even if written meanwhile). */
export async function saveShopInfo(db: AppDb, integrationId: string, info: ShopInfo): Promise<void> {
  await updateIntegrationSettings(db, integrationId, (settings) => ({ ...settings, shopify: { ...info } }));
}
