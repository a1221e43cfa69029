/**
 * How often one client address, and one organization, may try to connect a WooCommerce store
 * (docs/decisions/0057-rate-limiting-connect-attempts.md). A connect attempt makes this server send requests to an
 * address the visitor typed and tries the keys they pasted against it: without a limit anyone could make the server
 * fetch public hosts as fast as they can post, or try keys against a store without end.
 *
 * Two fixed windows (rate-limiter-flexible's memory store, one process): per client address, and per organization
 * when the attempt has one (a Shopify merchant, a signed-in owner, an API token, an organization grant). The address
 * is counted first; an attempt refused for its address does not use up the organization's attempts.
 */
import { isIP } from "node:net";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
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

/** The `Retry-After` header of a refused attempt (an AppError of any module copy with `retryAfterSeconds`). */
export function retryAfterHeader(error: { retryAfterSeconds?: number }): Record<string, string> {
  return error.retryAfterSeconds ? { "Retry-After": String(error.retryAfterSeconds) } : {};
}

export interface ConnectLimits {
  /** Counts one connect attempt; throws ConnectLimitedError when the address or the organization is over its limit. */
  take(attempter: ConnectAttempter): Promise<void>;
}

/** The process's connect limits, in memory. */
export function createConnectLimits(settings: ConnectLimitSettings): ConnectLimits {
  const perIp = new RateLimiterMemory({
    keyPrefix: "connect-ip",
    points: settings.perIp.attempts,
    duration: settings.perIp.windowSeconds,
  });
  const perOrganization = new RateLimiterMemory({
    keyPrefix: "connect-org",
    points: settings.perOrganization.attempts,
    duration: settings.perOrganization.windowSeconds,
  });
  const consume = async (limiter: RateLimiterMemory, key: string, scope: ConnectLimitScope) => {
    try {
      await limiter.consume(key);
    } catch (refusal) {
      // The library rejects with a RateLimiterRes when the key is over its points (its stores also reject with
      // their own errors, which the memory store never has).
      if (refusal instanceof RateLimiterRes) throw new ConnectLimitedError(scope, refusal.msBeforeNext);
      throw refusal;
    }
  };
  return {
    async take({ clientIp, organizationId }) {
      if (clientIp) await consume(perIp, addressKey(clientIp), "address");
      if (organizationId) await consume(perOrganization, organizationId, "organization");
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
