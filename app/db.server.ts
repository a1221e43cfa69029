import { createPrismaClient, type Db } from "./db/client.server";
import { DEFAULT_SQLITE_URL } from "./db/database-url";

declare global {
  var __commerceSyncPrisma: ReturnType<typeof createPrismaClient> | undefined;
}

/**
 * The one Prisma client of a process. Kept on globalThis in development so Vite's module reloads don't open a new
 * connection pool on every change (as in Shopify's template).
 */
function getClient() {
  if (!global.__commerceSyncPrisma) {
    global.__commerceSyncPrisma = createPrismaClient(process.env.DATABASE_URL || DEFAULT_SQLITE_URL);
  }
  return global.__commerceSyncPrisma;
}

const prisma: Db & { $kind: "sqlite" | "postgres" } = getClient();
export default prisma;
