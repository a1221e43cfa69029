/**
 * Test helpers for the WooCommerce module: a platform wired to a local emulator, an integration row for it, and a
 * PlatformContext as `Platforms.contextFor` would hand it (credentials already opened, store calls collected).
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { Db } from "../../../db/client.server";
import type { Logger } from "../../../lib/logger";
import type { AppDb, IntegrationRow, PlatformContext, StoreCall } from "../../../sync/platform";
import type { SyncSource } from "../../../sync/types";
import {
  createWooCommercePlatform,
  type WooCommercePlatform,
  type WooPlatformOptions,
} from "../index.server";
import { isCustomer } from "../roles";
import { withWooSettings, type WooSettings } from "../settings";
import type { WooCredentials } from "../types";

/** The platform as a development deployment builds it (private store URLs allowed), with quick retries. */
export function testPlatform(
  options: WooPlatformOptions & { allowPrivate?: boolean; logger?: Logger } = {},
): WooCommercePlatform {
  const { allowPrivate = true, logger, ...rest } = options;
  return createWooCommercePlatform(
    { env: { SHOPIFY_APP_URL: "http://127.0.0.1:9", ALLOW_PRIVATE_STORE_URLS: allowPrivate }, logger },
    { retry: { baseDelayMs: 5, maxDelayMs: 20 }, timeoutMs: 5_000, probeTimeoutMs: 5_000, ...rest },
  );
}

export interface TestStore {
  organizationId: string;
  integration: IntegrationRow;
  credentials: WooCredentials;
  webhookSecret: string;
  calls: StoreCall[];
  ctx: PlatformContext;
}

/** An organization with one WooCommerce integration for `storeUrl` (credentials kept in the clear for the test). */
export async function seedWooStore(
  db: AppDb | (Db & { $kind: "sqlite" | "postgres" }),
  storeUrl: string,
  key: { consumer_key: string; consumer_secret: string },
  settings: WooSettings = { currency: "USD" },
): Promise<TestStore> {
  const organizationId = randomUUID();
  await db.organization.create({ data: { id: organizationId, name: "Woo test organization" } });
  const row = await db.integration.create({
    data: {
      organizationId,
      platform: "woocommerce",
      name: "Emulated store",
      storeKey: storeUrl,
      settings: withWooSettings({}, settings) as object,
    },
  });
  const credentials: WooCredentials = { consumerKey: key.consumer_key, consumerSecret: key.consumer_secret };
  const webhookSecret = randomBytes(24).toString("base64url");
  const integration: IntegrationRow = { ...row, settings: row.settings as unknown };
  const calls: StoreCall[] = [];
  const ctx: PlatformContext = {
    db: db as AppDb,
    integration,
    credentials,
    webhookSecret,
    recordCall: (call) => calls.push(call),
    async saveCredentials() {
      throw new Error("not used in these tests");
    },
  };
  return { organizationId, integration, credentials, webhookSecret, calls, ctx };
}

/**
 * The sync source of a stored WooCommerce integration row with `credentials` (in the clear), as a job would build
 * it; `recordCall` sees the store calls.
 */
export async function storeSource(
  platform: WooCommercePlatform,
  db: AppDb,
  row: Omit<IntegrationRow, "settings"> & { settings: unknown },
  credentials: WooCredentials,
  recordCall: (call: StoreCall) => void = () => undefined,
): Promise<SyncSource> {
  return platform.createSource({
    db,
    integration: { ...row, settings: row.settings },
    credentials,
    webhookSecret: null,
    recordCall,
    saveCredentials: async () => undefined,
  });
}

/** Whether an emulator user is a customer by the reader's rule (roles.ts), given the facts REST would show. */
export function isStoreCustomer(user: { id: number; role: string; isPayingCustomer: boolean }): boolean {
  return isCustomer({ id: user.id, role: user.role, is_paying_customer: user.isPayingCustomer });
}
