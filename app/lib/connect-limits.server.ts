/**
 * How often one client address, and one organization, may try to connect a WooCommerce store
 * (docs/decisions/0057-rate-limiting-connect-attempts.md). A connect attempt makes this server send requests to an
 * address the visitor typed and tries the keys they pasted against it: without a limit anyone could make the server
 * fetch public hosts as fast as they can post, or try keys against a store without end.
 *
 * Two fixed windows: per client address, and per organization when the attempt has one (a Shopify merchant, a
 * signed-in owner, an API token, an organization grant). The address is counted first; an attempt refused for its
 * address does not use up the organization's attempts. The counters are rows in the app's database (ADR 0057
 * addendum), so every web process counts together and a restart forgets nothing; an address is stored only as a
 * keyed HMAC. When the database cannot count, the attempt is refused ("try again shortly"), never let through.
 */
import { isIP } from "node:net";
import type { Keyring } from "../crypto/encryption.server";
import { derivedDigestKey, keyedDigest } from "../crypto/keyed-digest.server";
import type { RateLimitCounters } from "../db/rate-limit-counters.server";
import { isTransientDatabaseError } from "../db/transient-errors";
import { AppError } from "./errors";

export interface ConnectLimitWindow {
  /** Attempts allowed in one window. */
  attempts: number;
  windowSeconds: number;
}

export interface ConnectLimitSettings {
  perIp: ConnectLimitWindow;
  perOrganization: ConnectLimitWindow;
}

/** Who is attempting a connect. */
export interface ConnectAttempter {
  /**
   * The client's address as the production server saw it (app/lib/client-address.ts). Absent only where no server
   * supplies one (`remix vite:dev`, tests that call a route module directly): then only the organization is counted.
   */
  clientIp?: string | null;
  organizationId?: string | null;
}

export type ConnectLimitScope = "address" | "organization";

/** A connect attempt over a limit: code `rate_limited`, HTTP 429, and when the next attempt is allowed. */
export class ConnectLimitedError extends AppError {
  readonly retryAfterSeconds: number;

  constructor(
    readonly scope: ConnectLimitScope,
    retryAfterMs: number,
  ) {
    const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
    const who = scope === "address" ? "from this address" : "for this Commerce Sync account";
    super(
      "rate_limited",
      `Too many connection attempts ${who}. Try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`,
      { httpStatus: 429 },
    );
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  }
}

/** How long a client is asked to wait when the database could not count its attempt. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 60;

/**
 * The connect limits could not count an attempt: the database did not answer (busy, restarting, unreachable). The
 * attempt is refused, not let through (ADR 0057 addendum): code `connect_limit_unavailable`, HTTP 503, Retry-After.
 */
export class ConnectLimitUnavailableError extends AppError {
  readonly retryAfterSeconds = UNAVAILABLE_RETRY_AFTER_SECONDS;

  constructor(cause: unknown) {
    super(
      "connect_limit_unavailable",
      "Commerce Sync cannot take connection attempts right now (its database is not answering). Try again in a " +
        "minute.",
      { httpStatus: 503, cause },
    );
  }
}

/** A connect attempt the limits refused: over a limit, or not countable now. */
export type ConnectRefusal = ConnectLimitedError | ConnectLimitUnavailableError;

export function isConnectRefusal(error: unknown): error is ConnectRefusal {
  return error instanceof ConnectLimitedError || error instanceof ConnectLimitUnavailableError;
}

/** The HTTP status of a connect refused by the limits, by its error code (undefined for any other failure). */
export function connectRefusalStatus(code: string): 429 | 503 | undefined {
  return code === "rate_limited" ? 429 : code === "connect_limit_unavailable" ? 503 : undefined;
}

/** The `Retry-After` header of a refused attempt (an AppError of any module copy with `retryAfterSeconds`). */
export function retryAfterHeader(error: { retryAfterSeconds?: number }): Record<string, string> {
  return error.retryAfterSeconds ? { "Retry-After": String(error.retryAfterSeconds) } : {};
}

export interface ConnectLimits {
  /**
   * Counts one connect attempt; throws ConnectLimitedError when the address or the organization is over its limit,
   * ConnectLimitUnavailableError when the database could not count it.
   */
  take(attempter: ConnectAttempter): Promise<void>;
}

export interface ConnectLimitStore {
  /** The shared counters (app/db/rate-limit-counters.server.ts). */
  counters: RateLimitCounters;
  /** The app's keyring: client addresses are stored as an HMAC under a key derived from ENCRYPTION_KEY. */
  keyring: Keyring;
}

/** Connect limits counted in the database, shared by every process that uses it. */
export function createConnectLimits(settings: ConnectLimitSettings, store: ConnectLimitStore): ConnectLimits {
  const macKey = derivedDigestKey(store.keyring.current, "commerce-sync connect-limit address");
  const count = async (key: string, limit: ConnectLimitWindow, scope: ConnectLimitScope) => {
    let counted;
    try {
      counted = await store.counters.increment(key, limit.windowSeconds * 1000);
    } catch (error) {
      if (isTransientDatabaseError(error)) throw new ConnectLimitUnavailableError(error);
      throw error;
    }
    if (counted.count > limit.attempts) {
      throw new ConnectLimitedError(scope, counted.windowMsLeft);
    }
  };
  return {
    async take({ clientIp, organizationId }) {
      if (clientIp) {
        const digest = keyedDigest(macKey, addressKey(clientIp));
        await count(`connect-ip:${digest}`, settings.perIp, "address");
      }
      if (organizationId)
        await count(`connect-org:${organizationId}`, settings.perOrganization, "organization");
    },
  };
}

/**
 * The key an address is counted under: an IPv4 address as it is, an IPv6 address by its /64 network (one home or
 * server is usually given a whole /64, so counting single IPv6 addresses would let one client take 2^64 turns).
 */
export function addressKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  return `${expandIpv6(address).slice(0, 4).join(":")}::/64`;
}

/** The eight groups of an IPv6 address, without leading zeros ("2001:db8::1" → 2001,db8,0,0,0,0,0,1). */
function expandIpv6(address: string): string[] {
  const [head, tail] = address.toLowerCase().split("%")[0].split("::");
  const groups = (part: string | undefined) => (part ? part.split(":") : []);
  const withV4 = (list: string[]) =>
    list.flatMap((g) => {
      if (!g.includes(".")) return [g];
      const [a, b, c, d] = g.split(".").map(Number);
      return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    });
  const left = withV4(groups(head));
  const right = withV4(groups(tail));
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...zeros, ...right].map((g) => (parseInt(g, 16) || 0).toString(16));
}
