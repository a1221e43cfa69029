import { createPrismaClient, type AppDb } from "./db/client.server";
import { loadEnv } from "./env.server";

declare global {
  var __commerceSyncPrisma: AppDb | undefined;
}

/**
 * The one Prisma client of a process. Kept on globalThis in development so Vite's module reloads don't open a new
 * connection pool on every change (as in Shopify's template).
 */
function getClient(): AppDb {
  if (!global.__commerceSyncPrisma) {
    const env = loadEnv();
    global.__commerceSyncPrisma = createPrismaClient(env.DATABASE_URL, { poolSize: env.DATABASE_POOL_SIZE });
  }
  return global.__commerceSyncPrisma;
}

const prisma: AppDb = getClient();
export default prisma;
