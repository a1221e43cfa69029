import prisma from "./db.server";
import { appKeyring } from "./crypto/keyring.server";
import { EncryptedSessionStorage } from "./platforms/shopify/session-storage.server";

declare global {
  var __commerceSyncShopifySessions: EncryptedSessionStorage | undefined;
}

/**
 * The process's Shopify session storage (encrypted, on the app's Prisma client). shopify-app-remix stores each
 * shop's offline token in it; the Shopify platform reads (and refreshes) the token from it in the worker.
 */
export function appSessionStorage(): EncryptedSessionStorage {
  global.__commerceSyncShopifySessions ??= new EncryptedSessionStorage(prisma, appKeyring());
  return global.__commerceSyncShopifySessions;
}
