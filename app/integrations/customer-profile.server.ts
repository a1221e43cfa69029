/**
 * The admin block's data: the cross-store profile of the Shopify customer a merchant is looking at, for the shop
 * that asks (its organization only). The customer is matched by its GID or numeric id, whichever the store's
 * contact links hold.
 */
import { AppError } from "../lib/errors";
import type { AppDb } from "../sync/platform";
import { profileForStoreCustomer } from "./contacts-view.server";
import { organizationForShop } from "./organization.server";

export interface CustomerProfileResponse {
  found: boolean;
  message?: string;
  profile?: {
    email: string | null;
    name: string | null;
    marketingState: string;
    marketingOptInLevel: string | null;
    stores: Array<{ name: string; platform: string; guest: boolean }>;
    ordersCount: number;
    totalSpent: Array<{ currency: string; amount: string }>;
  };
}

const CUSTOMER_ID = /^(?:gid:\/\/shopify\/Customer\/)?(\d{1,20})$/;

export async function customerProfileForShop(
  db: AppDb,
  input: { shop: string; customerId: string },
): Promise<CustomerProfileResponse> {
  const match = CUSTOMER_ID.exec(input.customerId);
  if (!match) {
    throw new AppError("invalid_customer_id", "customerId must be a Shopify customer id or GID.", {
      httpStatus: 400,
    });
  }
  const organization = await organizationForShop(db, input.shop);
  if (!organization) {
    throw new AppError("shop_not_installed", `${input.shop} has not installed Commerce Sync.`, {
      httpStatus: 401,
    });
  }
  const numeric = match[1];
  const profile = await profileForStoreCustomer(db, {
    integrationId: organization.integrationId,
    externalIds: [`gid://shopify/Customer/${numeric}`, numeric],
  });
  if (!profile) {
    return {
      found: false,
      message: "Commerce Sync has not synced this customer yet. It appears after the next sync.",
    };
  }
  return {
    found: true,
    profile: {
      email: profile.email,
      name: [profile.firstName, profile.lastName].filter(Boolean).join(" ") || null,
      marketingState: profile.marketingState,
      marketingOptInLevel: profile.marketingOptInLevel,
      stores: profile.stores.map((s) => ({
        name: s.name,
        platform: s.platform,
        guest: s.externalId.startsWith("guest:"),
      })),
      ordersCount: profile.ordersCount,
      totalSpent: profile.totalSpent.map((t) => ({ currency: t.currency, amount: t.amount })),
    },
  };
}
