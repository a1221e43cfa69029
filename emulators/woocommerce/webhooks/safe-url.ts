/**
 * WordPress's `wp_http_validate_url()`, which `wp_safe_remote_request()` / `wp_safe_remote_post()` apply before any
 * call: WooCommerce delivers webhooks and creation pings through them. Default rules (no plugin filters):
 *
 * - only http(s) URLs with a host and without credentials;
 * - a host other than the site's own must not be, or resolve to, a loopback or private IPv4 address (127/8, 10/8,
 *   0/8, 172.16/12, 192.168/16; `http_request_host_is_external` could allow it); a name that does not resolve fails;
 * - an explicit port must be 80, 443 or 8080, or the site's own port on the site's own host
 *   (`http_allowed_safe_ports` could allow more).
 *
 * WordPress then answers the call with WP_Error "A valid URL was not provided." and sends nothing.
 */
import { lookup as dnsLookup } from "node:dns/promises";

/** WP_Http's error for a URL that `wp_http_validate_url` refuses. */
export const UNSAFE_URL_ERROR = "A valid URL was not provided.";

/** Resolves a host name to one IPv4 address (gethostbyname), or null when it does not resolve. */
export type Ipv4Lookup = (host: string) => Promise<string | null>;

const IPV4 = /^(([1-9]?\d|1\d\d|25[0-5]|2[0-4]\d)\.){3}([1-9]?\d|1\d\d|25[0-5]|2[0-4]\d)$/;

async function systemLookup(host: string): Promise<string | null> {
  try {
    return (await dnsLookup(host, { family: 4 })).address;
  } catch {
    return null;
  }
}

function isPrivateIpv4(ip: string): boolean {
  const [a, b] = ip.split(".").map(Number);
  return a === 127 || a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

/** True when WordPress would refuse to call `url` from a site whose home URL is `homeUrl`. */
export async function refusedBySafeRemoteRequest(
  url: string,
  homeUrl: string,
  lookup: Ipv4Lookup = systemLookup,
): Promise<boolean> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return true;
  }
  if (target.protocol !== "http:" && target.protocol !== "https:") return true;
  if (!target.hostname || target.username || target.password) return true;
  if (/[:#?[\]]/.test(target.hostname)) return true; // IPv6 literals included, as WordPress's strpbrk check
  let home: URL | null = null;
  try {
    home = new URL(homeUrl);
  } catch {
    home = null;
  }
  const sameHost = !!home && home.hostname.toLowerCase() === target.hostname.toLowerCase();
  if (!sameHost) {
    const host = target.hostname.replace(/^\.+|\.+$/g, "");
    const ip = IPV4.test(host) ? host : await lookup(host);
    if (ip === null) return true;
    if (isPrivateIpv4(ip)) return true;
  }
  // `URL` drops a scheme's default port: an explicit :80 on http or :443 on https reads as no port, allowed either way.
  if (target.port === "") return false;
  const port = Number(target.port);
  if (port === 80 || port === 443 || port === 8080) return false;
  const homePort = home ? (home.port === "" ? null : Number(home.port)) : null;
  return !(sameHost && homePort === port);
}
