/**
 * The address of the client that sent a request, for the connect limits (ADR 0057). Without trusted proxies it is
 * the connection's own address: X-Forwarded-For is anyone's to write. Behind `trustedProxies` proxies that each
 * append the address they were connected from, the client is the entry that many places from the end (Express's
 * numeric `trust proxy`); entries further left were written by the client and are never read.
 */
import { isIP } from "node:net";

/** Used when the socket no longer knows its peer (the connection is already gone): all such requests share it. */
export const UNKNOWN_ADDRESS = "unknown";

export function clientAddress(
  remoteAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedProxies: number,
): string {
  const direct = plainAddress(remoteAddress) ?? UNKNOWN_ADDRESS;
  if (trustedProxies <= 0 || forwardedFor === undefined) return direct;
  const entries = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor)
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return direct;
  // Fewer entries than trusted proxies: the furthest one there is (the first proxy saw no X-Forwarded-For).
  const entry = entries[Math.max(0, entries.length - trustedProxies)];
  // A trusted proxy writes an address; anything else means it is not configured as declared: count the proxy.
  return plainAddress(entry) ?? direct;
}

/**
 * `address` as an IP address without port, brackets or the IPv4-mapped prefix ("::ffff:203.0.113.5" →
 * "203.0.113.5", "[2001:db8::1]:443" → "2001:db8::1", "203.0.113.5:8080" → "203.0.113.5"); null if it is none.
 */
export function plainAddress(address: string | undefined): string | null {
  if (!address) return null;
  let text = address.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1];
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(":"));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  if (mapped) text = mapped[1];
  return isIP(text) ? text.toLowerCase() : null;
}
