/**
 * Which organization a request acts for. An embedded-app request knows its Shopify shop; the organization is the one
 * the shop's integration belongs to (created at install).
 */
import { AppError } from "../lib/errors";
import type { AppDb } from "../sync/platform";

export interface ShopOrganization {
  organizationId: string;
  organizationName: string;
  /** The shop's own integration. */
  integrationId: string;
}

/** The organization of an installed Shopify shop, or null when the shop has no integration (not installed). */
export async function organizationForShop(db: AppDb, shop: string): Promise<ShopOrganization | null> {
  const integration = await db.integration.findUnique({
    where: { platform_storeKey: { platform: "shopify", storeKey: shop } },
    select: { id: true, organizationId: true, organization: { select: { name: true } } },
  });
  if (!integration) return null;
  return {
    organizationId: integration.organizationId,
    organizationName: integration.organization.name,
    integrationId: integration.id,
  };
}

/** Like organizationForShop, for pages that cannot work without one. */
export async function requireShopOrganization(db: AppDb, shop: string): Promise<ShopOrganization> {
  const found = await organizationForShop(db, shop);
  if (!found) {
    throw new AppError(
      "shop_not_installed",
      `Commerce Sync is not set up for ${shop} yet. Reopen the app from your Shopify admin to finish installing it.`,
      { httpStatus: 401 },
    );
  }
  return found;
}
