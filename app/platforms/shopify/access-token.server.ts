/**
 * The shop's offline access token for code that runs without a request (the worker, `npm run sync`, webhook
 * processing). It lives in the app's encrypted session storage, where shopify-app-remix keeps it after install; an
 * expiring token is refreshed shortly before it expires (and once more if Shopify refuses it), and the new token set
 * is stored back, so a sync longer than a token's life keeps going.
 *
 * Refreshes are single-flight per shop within a process. Across processes the refresh token rotates: a process that
 * loses the race gets `invalid_grant`, reloads the session and uses the token the winner stored.
 */
import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import type { StoreCallRecorder } from "../../sync/platform";
import type { AccessTokenSource } from "./client.server";
import { ShopifyAuthError, ShopifyNotInstalledError } from "./errors";
import { refreshAccessToken, type ShopifyTokenSet } from "./oauth.server";

/** Refresh this long before the token expires (a page in flight must not outlive it). */
export const REFRESH_MARGIN_MS = 5 * 60_000;

export interface OfflineTokensOptions {
  sessions: SessionStorage;
  apiKey: string;
  apiSecret: string;
  fetch: typeof fetch;
  now?: () => Date;
}

/** The id shopify-app-remix gives a shop's offline session. */
export function offlineSessionId(shop: string): string {
  return `offline_${shop}`;
}

/** Builds the session shopify-app-remix would store for a token set (used after a refresh and by our OAuth grant). */
export function offlineSessionFrom(shop: string, tokens: ShopifyTokenSet): Session {
  return new Session({
    id: offlineSessionId(shop),
    shop,
    state: "",
    isOnline: false,
    accessToken: tokens.accessToken,
    ...(tokens.scope ? { scope: tokens.scope } : {}),
    ...(tokens.expiresAt ? { expires: tokens.expiresAt } : {}),
    ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
    ...(tokens.refreshTokenExpiresAt ? { refreshTokenExpires: tokens.refreshTokenExpiresAt } : {}),
  });
}

export class OfflineTokens {
  private readonly inflight = new Map<string, Promise<Session>>();

  constructor(private readonly options: OfflineTokensOptions) {}

  private now(): number {
    return (this.options.now ?? (() => new Date()))().getTime();
  }

  private expiresSoon(session: Session): boolean {
    return !!session.expires && session.expires.getTime() - REFRESH_MARGIN_MS <= this.now();
  }

  private async load(shop: string): Promise<Session> {
    const session = await this.options.sessions.loadSession(offlineSessionId(shop));
    if (!session?.accessToken) throw new ShopifyNotInstalledError(shop);
    return session;
  }

  /** The token source a client of `shop` uses; refresh calls are counted through `recordCall`. */
  sourceFor(shop: string, recordCall: StoreCallRecorder): AccessTokenSource {
    return {
      get: async () => {
        const session = await this.load(shop);
        if (!this.expiresSoon(session) || !session.refreshToken) return session.accessToken!;
        return (await this.refreshOnce(shop, session, recordCall)).accessToken!;
      },
      refresh: async (rejected) => {
        const session = await this.load(shop).catch(() => null);
        if (!session) return null;
        if (session.accessToken !== rejected && !this.expiresSoon(session)) return session.accessToken!;
        if (!session.refreshToken) return null;
        try {
          return (await this.refreshOnce(shop, session, recordCall)).accessToken!;
        } catch (error) {
          if (error instanceof ShopifyAuthError) return null;
          throw error;
        }
      },
    };
  }

  private refreshOnce(shop: string, session: Session, recordCall: StoreCallRecorder): Promise<Session> {
    let pending = this.inflight.get(shop);
    if (!pending) {
      pending = this.refresh(shop, session, recordCall).finally(() => this.inflight.delete(shop));
      this.inflight.set(shop, pending);
    }
    return pending;
  }

  private async refresh(shop: string, session: Session, recordCall: StoreCallRecorder): Promise<Session> {
    try {
      const tokens = await refreshAccessToken(
        {
          shop,
          apiKey: this.options.apiKey,
          apiSecret: this.options.apiSecret,
          fetch: this.options.fetch,
          recordCall,
        },
        session.refreshToken!,
      );
      const fresh = offlineSessionFrom(shop, { ...tokens, scope: tokens.scope ?? session.scope ?? null });
      await this.options.sessions.storeSession(fresh);
      return fresh;
    } catch (error) {
      if (!(error instanceof ShopifyAuthError)) throw error;
      // Another process may have rotated the refresh token first: take what it stored.
      const stored = await this.load(shop);
      if (stored.accessToken !== session.accessToken && !this.expiresSoon(stored)) return stored;
      throw error;
    }
  }
}
