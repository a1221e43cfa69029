import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import type { Prisma, PrismaClient } from "@prisma/client";
import { isSealed, open, seal, type Keyring } from "../../crypto/encryption.server";

/**
 * Shopify session storage that keeps access and refresh tokens encrypted at rest.
 * Delegates persistence to Shopify's Prisma session storage; only the token fields are sealed, bound to the session
 * id so a token copied to another row does not open.
 */
export class EncryptedSessionStorage implements SessionStorage {
  private readonly inner: PrismaSessionStorage<PrismaClient>;

  constructor(
    prisma: PrismaClient,
    private readonly keyring: Keyring,
  ) {
    this.inner = new PrismaSessionStorage(prisma);
  }

  async storeSession(session: Session): Promise<boolean> {
    return this.inner.storeSession(this.sealed(session));
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const stored = await this.inner.loadSession(id);
    return stored ? this.opened(stored) : undefined;
  }

  async deleteSession(id: string): Promise<boolean> {
    return this.inner.deleteSession(id);
  }

  async deleteSessions(ids: string[]): Promise<boolean> {
    return this.inner.deleteSessions(ids);
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    return (await this.inner.findSessionsByShop(shop)).map((s) => this.opened(s));
  }

  isReady(): Promise<boolean> {
    return this.inner.isReady();
  }

  private sealed(session: Session): Session {
    const params = session.toObject();
    const context = `session:${session.id}`;
    if (params.accessToken && !isSealed(params.accessToken)) {
      params.accessToken = seal(this.keyring, params.accessToken, context);
    }
    if (params.refreshToken && !isSealed(params.refreshToken)) {
      params.refreshToken = seal(this.keyring, params.refreshToken, context);
    }
    return new Session(params);
  }

  private opened(session: Session): Session {
    const params = session.toObject();
    const context = `session:${session.id}`;
    if (params.accessToken && isSealed(params.accessToken)) {
      params.accessToken = open(this.keyring, params.accessToken, context);
    }
    if (params.refreshToken && isSealed(params.refreshToken)) {
      params.refreshToken = open(this.keyring, params.refreshToken, context);
    }
    return new Session(params);
  }
}

/** A stored session row as read: its id and its sealed access token (a new token, or the same one sealed again, differs). */
export interface StoredSessionRow {
  id: string;
  accessToken: string;
}

type SessionTable = Pick<Prisma.TransactionClient, "session">;

/**
 * What an uninstall removes works on the session table itself (the table this storage and shopify-app-remix write),
 * not through the SessionStorage interface, which cannot delete on a condition.
 */
export function readShopSessions(db: SessionTable, shop: string): Promise<StoredSessionRow[]> {
  return db.session.findMany({ where: { shop }, select: { id: true, accessToken: true } });
}

/**
 * Compare-and-delete: removes each session still holding the token read in `rows`, and returns how many sessions the
 * shop has left — a session stored since the read (a reinstall's new token, a refresh) is kept, and counted.
 */
export async function removeUnchangedSessions(
  db: SessionTable,
  shop: string,
  rows: StoredSessionRow[],
): Promise<number> {
  if (rows.length > 0) {
    await db.session.deleteMany({
      where: { shop, OR: rows.map((r) => ({ id: r.id, accessToken: r.accessToken })) },
    });
  }
  return countShopSessions(db, shop);
}

/** How many sessions (offline and online) the shop has stored. */
export function countShopSessions(db: SessionTable, shop: string): Promise<number> {
  return db.session.count({ where: { shop } });
}
