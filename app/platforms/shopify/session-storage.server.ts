import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import type { PrismaClient } from "@prisma/client";
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
