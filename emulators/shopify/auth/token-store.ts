/**
 * In-memory store of everything the emulated Shopify issues for the app: access tokens (offline, online,
 * expiring offline), refresh tokens and single-use authorization codes. Times come from an injectable clock so
 * expiry is testable without waiting.
 */
import { randomBytes } from "node:crypto";
import type { AccessTokenInfo, TokenStoreLike } from "../model";

/** The user an online token (or a session token) belongs to, as Shopify returns it in `associated_user`. */
export interface AssociatedUser {
  id: number;
  first_name: string;
  last_name: string;
  email: string;
  email_verified: boolean;
  account_owner: boolean;
  locale: string;
  collaborator: boolean;
}

export interface TokenRecord extends AccessTokenInfo {
  accessToken: string;
  associatedUser: AssociatedUser | null;
  issuedAt: Date;
  revoked: boolean;
}

export interface RefreshTokenRecord {
  refreshToken: string;
  shop: string;
  scopes: string[];
  expiresAt: Date;
  /** The access token issued with this refresh token (revoked together on shop uninstall). */
  accessToken: string;
  used: boolean;
}

export interface AuthorizationCodeRecord {
  code: string;
  shop: string;
  clientId: string;
  scopes: string[];
  kind: "offline" | "online";
  associatedUser: AssociatedUser | null;
  expiresAt: Date;
  used: boolean;
}

export interface IssuedTokenSet {
  accessToken: string;
  info: AccessTokenInfo;
  record: TokenRecord;
  refreshToken?: string;
  refreshTokenExpiresAt?: Date;
}

export interface TokenStoreOptions {
  /** Clock used for issue/expiry decisions; pass `() => ctx.now()` so the whole emulator shares one clock. */
  now?: () => Date;
  /** Lifetime of authorization codes (Shopify: short, about a minute). */
  codeTtlS?: number;
  /** Lifetime of online access tokens (Shopify: 24 h). */
  onlineTokenTtlS?: number;
  /** Lifetime of expiring offline access tokens (Shopify: 1 h). */
  expiringOfflineTtlS?: number;
  /** Lifetime of refresh tokens (Shopify: 90 days). */
  refreshTokenTtlS?: number;
  /** When true, GET /admin/oauth/authorize redirects at once instead of showing the approve page. */
  autoApprove?: boolean;
}

const DEFAULTS = {
  codeTtlS: 60,
  onlineTokenTtlS: 86_400,
  expiringOfflineTtlS: 3_600,
  refreshTokenTtlS: 7_776_000,
};

function randomToken(prefix: string): string {
  return `${prefix}${randomBytes(16).toString("hex")}`;
}

/** Token store of the emulator; satisfies the core's `TokenStoreLike` and adds codes and refresh tokens. */
export class TokenStore implements TokenStoreLike {
  readonly now: () => Date;
  readonly codeTtlS: number;
  readonly onlineTokenTtlS: number;
  readonly expiringOfflineTtlS: number;
  readonly refreshTokenTtlS: number;
  autoApprove: boolean;
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  private readonly codes = new Map<string, AuthorizationCodeRecord>();

  constructor(options: TokenStoreOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.codeTtlS = options.codeTtlS ?? DEFAULTS.codeTtlS;
    this.onlineTokenTtlS = options.onlineTokenTtlS ?? DEFAULTS.onlineTokenTtlS;
    this.expiringOfflineTtlS = options.expiringOfflineTtlS ?? DEFAULTS.expiringOfflineTtlS;
    this.refreshTokenTtlS = options.refreshTokenTtlS ?? DEFAULTS.refreshTokenTtlS;
    this.autoApprove = options.autoApprove ?? false;
  }

  /**
   * Issues an access token. Online tokens default to a 24 h lifetime; offline tokens never expire unless
   * `expiresInS` is given (use `issueExpiringOffline` to also get a refresh token).
   */
  issue(input: {
    shop: string;
    scopes: string[];
    kind?: "offline" | "online";
    expiresInS?: number;
    associatedUser?: AssociatedUser | null;
  }): IssuedTokenSet {
    const kind = input.kind ?? "offline";
    const issuedAt = this.now();
    const expiresInS = input.expiresInS ?? (kind === "online" ? this.onlineTokenTtlS : undefined);
    const expiresAt = expiresInS === undefined ? null : new Date(issuedAt.getTime() + expiresInS * 1000);
    // shpat_ (offline) and shpua_ (user/online) are the prefixes Shopify uses.
    const accessToken = randomToken(kind === "online" ? "shpua_" : "shpat_");
    const record: TokenRecord = {
      accessToken,
      shop: input.shop,
      scopes: [...input.scopes],
      kind,
      expiresAt,
      associatedUser: input.associatedUser ?? null,
      issuedAt,
      revoked: false,
    };
    this.tokens.set(accessToken, record);
    return { accessToken, info: toInfo(record), record };
  }

  /** Issues an expiring offline token with its refresh token (the `expiring=1` flavour of Shopify). */
  issueExpiringOffline(input: { shop: string; scopes: string[] }): IssuedTokenSet & {
    refreshToken: string;
    refreshTokenExpiresAt: Date;
  } {
    const issued = this.issue({ ...input, kind: "offline", expiresInS: this.expiringOfflineTtlS });
    const refreshToken = randomToken("shprt_");
    const refreshTokenExpiresAt = new Date(this.now().getTime() + this.refreshTokenTtlS * 1000);
    this.refreshTokens.set(refreshToken, {
      refreshToken,
      shop: input.shop,
      scopes: [...input.scopes],
      expiresAt: refreshTokenExpiresAt,
      accessToken: issued.accessToken,
      used: false,
    });
    return { ...issued, refreshToken, refreshTokenExpiresAt };
  }

  /** Null when unknown, revoked or expired. */
  verify(accessToken: string): AccessTokenInfo | null {
    const record = this.lookup(accessToken);
    return record ? toInfo(record) : null;
  }

  /** The full record of a live token (with its associated user), or null when unknown, revoked or expired. */
  lookup(accessToken: string): TokenRecord | null {
    const record = this.tokens.get(accessToken);
    if (!record || record.revoked) return null;
    if (record.expiresAt && record.expiresAt.getTime() <= this.now().getTime()) return null;
    return record;
  }

  /**
   * Redeems a refresh token: returns a new access token + refresh token pair and invalidates the used refresh
   * token (rotation, as Shopify does). Null when unknown, used, expired or for another shop.
   */
  refresh(refreshToken: string, shop: string): ReturnType<TokenStore["issueExpiringOffline"]> | null {
    const record = this.refreshTokens.get(refreshToken);
    if (!record || record.used || record.shop !== shop) return null;
    if (record.expiresAt.getTime() <= this.now().getTime()) return null;
    record.used = true;
    return this.issueExpiringOffline({ shop: record.shop, scopes: record.scopes });
  }

  revoke(accessToken: string): void {
    const record = this.tokens.get(accessToken);
    if (record) record.revoked = true;
  }

  /** Revokes every access token, refresh token and pending code of a shop (app uninstall). */
  revokeShop(shop: string): void {
    for (const record of this.tokens.values()) if (record.shop === shop) record.revoked = true;
    for (const record of this.refreshTokens.values()) if (record.shop === shop) record.used = true;
    for (const record of this.codes.values()) if (record.shop === shop) record.used = true;
  }

  /** Creates a single-use authorization code (authorization-code grant). */
  createCode(input: Omit<AuthorizationCodeRecord, "code" | "expiresAt" | "used">): AuthorizationCodeRecord {
    const code = randomBytes(16).toString("hex");
    const record: AuthorizationCodeRecord = {
      ...input,
      scopes: [...input.scopes],
      code,
      expiresAt: new Date(this.now().getTime() + this.codeTtlS * 1000),
      used: false,
    };
    this.codes.set(code, record);
    return record;
  }

  /**
   * Consumes a code: the first call for a live code returns it and marks it used; later calls, expired codes and
   * unknown codes give a reason instead.
   */
  consumeCode(code: string): { ok: true; record: AuthorizationCodeRecord } | { ok: false; reason: string } {
    const record = this.codes.get(code);
    if (!record) return { ok: false, reason: "unknown authorization code" };
    if (record.used) return { ok: false, reason: "authorization code was already used" };
    record.used = true;
    if (record.expiresAt.getTime() <= this.now().getTime()) {
      return { ok: false, reason: "authorization code expired" };
    }
    return { ok: true, record };
  }
}

function toInfo(record: TokenRecord): AccessTokenInfo {
  return { shop: record.shop, scopes: [...record.scopes], kind: record.kind, expiresAt: record.expiresAt };
}
