/**
 * Store addresses as people type them → one canonical form. Pure: no DNS, no requests (the SSRF guard and the
 * connection test come after).
 *
 * Canonical form: scheme + lower-case host (+ port when not the default) + the WordPress install path without a
 * trailing slash, e.g. `https://shop.example.com` or `https://example.com/shop`. It is the integration's `storeKey`
 * once the store confirmed it (its own `home_url` wins over what was typed, see probe.server.ts).
 */
import { AppError } from "../../lib/errors";

export class StoreUrlError extends AppError {
  constructor(message: string) {
    super("store_url_invalid", message, { httpStatus: 400 });
  }
}

export interface StoreUrl {
  /** Canonical URL, no trailing slash. */
  url: string;
  protocol: "https:" | "http:";
  /** Host name, lower case, without brackets or port. */
  hostname: string;
  /** Install path ("" at the domain root, "/shop" for a path install). */
  path: string;
}

/** The longest store address accepted (scheme, host and install path; the query and WordPress internals are dropped). */
const MAX_STORE_URL_LENGTH = 512;

/** Path segments that are WordPress internals, not part of the install path (people paste admin URLs). */
const WP_INTERNAL = /\/(wp-admin|wp-json|wp-login\.php|wp-content|wp-includes|index\.php)(\/.*)?$/i;

/**
 * "mystore.com" → https://mystore.com; "HTTPS://WWW.Shop.com/shop/" → https://www.shop.com/shop;
 * "https://shop.com/wp-admin/admin.php?page=wc-settings" → https://shop.com. Throws StoreUrlError for anything
 * that is not an http(s) address of a host.
 */
export function normalizeStoreUrl(input: string): StoreUrl {
  const text = input.trim();
  if (!text) throw new StoreUrlError("Enter your store's address, for example https://mystore.com.");
  let withScheme = text;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    // "file:…", "javascript:…" carry a scheme without "//"; "localhost:8080" does not (a digit follows).
    if (/^[a-z][a-z0-9+.-]*:(?!\d)/i.test(text)) throw unsupportedScheme(text.split(":")[0]);
    withScheme = `https://${text}`;
  }
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch {
    throw new StoreUrlError(`"${shorten(text)}" is not a web address. Enter it like https://mystore.com.`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw unsupportedScheme(parsed.protocol);
  if (parsed.username || parsed.password) {
    throw new StoreUrlError("Enter the store address without a user name or password in it.");
  }
  const hostname = parsed.hostname.replace(/\.$/, "").toLowerCase();
  if (!hostname || (!hostname.includes(".") && !hostname.startsWith("[") && hostname !== "localhost")) {
    throw new StoreUrlError(`"${shorten(text)}" has no domain name. Enter it like https://mystore.com.`);
  }
  // DNS limits (253 characters, 63 between dots): a longer name cannot exist, and would fill the page in every message.
  if (hostname.length > 253 || hostname.split(".").some((label) => label.length > 63)) {
    throw new StoreUrlError(
      `"${shorten(text)}" is not a valid domain name (it is too long). Enter it like https://mystore.com.`,
    );
  }
  const path = decodeURI(parsed.pathname)
    .replace(WP_INTERNAL, "")
    .replace(/\/{2,}/g, "/")
    .replace(/\/+$/, "");
  const host = parsed.port ? `${hostname}:${parsed.port}` : hostname;
  const url = `${parsed.protocol}//${host}${encodeURI(path)}`;
  if (url.length > MAX_STORE_URL_LENGTH) {
    throw new StoreUrlError(
      `"${shorten(text)}" is too long for a store address (at most ${MAX_STORE_URL_LENGTH} characters). Enter the ` +
        "address of the store's home page, like https://mystore.com.",
    );
  }
  return {
    url,
    protocol: parsed.protocol,
    hostname: hostname.replace(/^\[|\]$/g, ""),
    path,
  };
}

/** The same store, typed with or without `www.`: used to accept the store's own home URL over the typed one. */
export function sameSite(a: StoreUrl, b: StoreUrl): boolean {
  const bare = (h: string) => h.replace(/^www\./, "");
  return bare(a.hostname) === bare(b.hostname) && a.path.toLowerCase() === b.path.toLowerCase();
}

/** The store's REST root for a canonical store URL. Only `/wp-json/` URLs are used (keys are checked only there). */
export function restRoot(storeUrl: string): string {
  return `${storeUrl}/wp-json/`;
}

function unsupportedScheme(scheme: string): StoreUrlError {
  return new StoreUrlError(
    `Only https:// store addresses are supported (got "${shorten(scheme.replace(/:$/, ""))}:").`,
  );
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
