/**
 * The connection test behind the connect page: from a typed address and a key to "this is store X, WooCommerce
 * 11.0.1, USD" — or an error the owner can act on.
 *
 * 1. The address is normalized and checked against the SSRF policy (resolved; private and internal addresses
 *    refused) and must be https unless it is a development store the deployment allows.
 * 2. WordPress is found without the key: the public REST index (`/wp-json/`) names the site and lists its APIs;
 *    redirects are followed by hand, each hop checked like the first (http → https, a `www.` redirect). Without an
 *    index, the home page's `rel="https://api.w.org/"` link tells a path install, or plain permalinks
 *    (`?rest_route=`), or no WordPress at all.
 * 3. The key is tried on `system_status` (versions, currency, the store's own home URL, which becomes the canonical
 *    address when it is the same site). Over https the client falls back from HTTP Basic to query parameters when
 *    the store's web server drops the Authorization header, then to an OAuth signature over the http:// address when
 *    WordPress does not know it is served over https; the store's facts say so (`authInQuery`, `oauthOverHttps`).
 *    A store that prints PHP notices into its answers is read all the same; the facts name the first one
 *    (`phpNotice`, ADR 0058).
 */
import axios from "axios";
import type { AddressKind } from "../../lib/network-guard.server";
import { sliceWhole } from "../../lib/text";
import { WooClient, type WooAgents } from "./client.server";
import { WooRequestError, errorFromResponse, errorFromTransport } from "./errors";
import { readStoreBody } from "./php-output";
import { normalizeStoreUrl, sameSite, StoreUrlError, type StoreUrl } from "./store-url";
import type { WooSystemStatus, WpIndex } from "./types";

export interface ProbeDeps {
  agents: WooAgents;
  /** Per request. */
  timeoutMs: number;
}

export interface StoreFacts {
  /** Canonical store URL (the integration's storeKey). */
  url: string;
  name: string;
  wooCommerceVersion: string | null;
  wordPressVersion: string | null;
  currency: string | null;
  /** Present (true) when the store only saw the key as query parameters: its server drops the Authorization header. */
  authInQuery?: true;
  /** Present (true) when the store only read an OAuth signature over http://: WordPress does not see its https. */
  oauthOverHttps?: true;
  /**
   * Present when the store printed PHP messages (notices, warnings, deprecations) into its answer: the first one's
   * first line. The answer was read all the same; the owner is told once (ADR 0058).
   */
  phpNotice?: string;
}

/** The store as found before any key is used. */
export interface DiscoveredStore {
  url: StoreUrl;
  /** The site's name from its REST index, when it has one. */
  name: string | null;
  /**
   * Present when the store printed PHP messages into its REST index's answer (the index itself, or WordPress's JSON
   * error where there is none): the first one's first line. The answer was read all the same; the connect saves it
   * as it saves the key test's (ADR 0058).
   */
  phpNotice?: string;
}

const MAX_REDIRECTS = 5;

/** Step 1–2: where the store really is, and that it runs WooCommerce's REST API. */
export async function discoverStore(
  typed: string,
  deps: ProbeDeps,
  signal?: AbortSignal,
): Promise<DiscoveredStore> {
  let base = await checkAddress(normalizeStoreUrl(typed), deps);
  const index = await getFollowing(
    `${base.url}/wp-json/`,
    { _fields: "name,description,home,namespaces" },
    deps,
    signal,
  );
  base = index.base;
  const body = index.json as WpIndex | null;
  const printed = index.phpNotice ? { phpNotice: index.phpNotice } : {};
  if (index.status === 200 && body && Array.isArray(body.namespaces)) {
    if (!body.namespaces.includes("wc/v3")) {
      throw new WooRequestError(
        "not_found",
        `${base.url} runs WordPress, but WooCommerce's REST API is not there. Check that the WooCommerce plugin is ` +
          "installed and active.",
      );
    }
    return { url: base, name: typeof body.name === "string" ? siteName(body.name) : null, ...printed };
  }
  // No REST index at /wp-json/: ask the home page where WordPress keeps its API.
  const home = await getFollowing(`${base.url}/`, {}, deps, signal);
  const apiRoot = apiLinkOf(home.headers.link, home.text);
  if (!apiRoot) {
    // A site that is down (5xx, 429: overloaded, maintenance, a proxy with no backend) shows no trace of WordPress
    // either; say it is failing rather than send its owner to look for another address.
    const failing = [home, index].find((r) => r.status >= 500 || r.status === 429);
    if (failing)
      throw errorFromResponse(failing.status, failing.json, failing.headers, "testing the connection");
    throw new WooRequestError(
      "not_found",
      `${home.base.url} does not look like a WordPress site with WooCommerce. Enter the address of the ` +
        "WooCommerce store itself (the site's home page).",
    );
  }
  if (/[?&]rest_route=/.test(apiRoot)) {
    throw new WooRequestError(
      "not_found",
      "The store's permalinks are set to Plain, so WooCommerce's REST API has no /wp-json/ address. In WordPress, " +
        "go to Settings → Permalinks, choose any structure other than Plain, and save.",
    );
  }
  const discovered = await checkAddress(normalizeStoreUrl(apiRoot.replace(/\/wp-json\/?.*$/, "")), deps);
  return { url: discovered, name: htmlTitle(home.text), ...printed };
}

/** Step 3: the key on `system_status`. Throws WooRequestError (auth, forbidden, …) as the store answered. */
export async function testKey(
  store: DiscoveredStore,
  key: { consumerKey: string; consumerSecret: string },
  deps: ProbeDeps,
  signal?: AbortSignal,
): Promise<StoreFacts> {
  const client = new WooClient({
    storeUrl: store.url.url,
    ...key,
    agents: deps.agents,
    timeoutMs: deps.timeoutMs,
    retry: { maxAttempts: 2 },
  });
  const { data } = await client.get<WooSystemStatus>(
    "system_status",
    { _fields: "environment,settings" },
    { signal },
  );
  let url = store.url.url;
  const home = data?.environment?.home_url;
  if (home) {
    try {
      const own = normalizeStoreUrl(home);
      // The store's own address wins (its www. form, its path) when it is the same site and not a downgrade.
      if (sameSite(own, store.url) && !(own.protocol === "http:" && store.url.protocol === "https:"))
        url = own.url;
    } catch {
      // An unusable home_url: keep the address that worked.
    }
  }
  return {
    url,
    name: store.name ?? store.url.hostname,
    wooCommerceVersion: data?.environment?.version ?? null,
    wordPressVersion: data?.environment?.wp_version ?? null,
    currency: data?.settings?.currency?.toUpperCase() ?? null,
    ...(client.authInQuery ? { authInQuery: true as const } : {}),
    ...(client.oauthOverHttps ? { oauthOverHttps: true as const } : {}),
    ...(client.phpOutput.firstMessage ? { phpNotice: client.phpOutput.firstMessage } : {}),
  };
}

/** SSRF policy and the https rule for one address. */
async function checkAddress(url: StoreUrl, deps: ProbeDeps): Promise<StoreUrl> {
  const { kinds } = await deps.agents.policy.checkHost(url.hostname);
  if (url.protocol === "http:" && !isDevelopmentStore(kinds, deps.agents.policy.allowPrivate)) {
    throw new StoreUrlError(
      "Use the store's https:// address. Over plain http a store's keys and customer data travel unencrypted, " +
        "so Commerce Sync connects only over HTTPS (http is allowed only for local development stores).",
    );
  }
  return url;
}

function isDevelopmentStore(kinds: AddressKind[], allowPrivate: boolean): boolean {
  return allowPrivate && kinds.every((k) => k === "loopback" || k === "private");
}

interface Fetched {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: unknown;
  /** The first PHP message printed around the JSON that was read, if any (ADR 0058). */
  phpNotice?: string;
  /** The store base the final answer came from (changed by redirects). */
  base: StoreUrl;
}

/** A public GET, following redirects by hand with every hop checked. */
async function getFollowing(
  url: string,
  params: Record<string, string>,
  deps: ProbeDeps,
  signal?: AbortSignal,
): Promise<Fetched> {
  let current = new URL(url);
  let base = normalizeStoreUrl(current.toString());
  for (let hop = 0; ; hop++) {
    let response;
    try {
      response = await axios.get<string>(current.toString(), {
        params: hop === 0 ? params : undefined,
        signal,
        timeout: deps.timeoutMs,
        maxRedirects: 0,
        responseType: "text",
        transformResponse: (data: string) => data,
        validateStatus: () => true,
        httpAgent: deps.agents.http,
        httpsAgent: deps.agents.https,
        maxContentLength: 4 * 1024 * 1024,
        headers: { Accept: "application/json, text/html;q=0.9" },
        transitional: { clarifyTimeoutError: true },
      });
    } catch (error) {
      for (let e: unknown = error, d = 0; e && d < 5; e = (e as { cause?: unknown }).cause, d++) {
        if ((e as { code?: unknown }).code === "store_address_refused") throw e;
      }
      throw errorFromTransport(error, "testing the connection", deps.timeoutMs);
    }
    const headers = Object.fromEntries(
      Object.entries(response.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
    );
    const location = headers.location;
    if (response.status >= 300 && response.status < 400 && location) {
      if (hop >= MAX_REDIRECTS) {
        throw new WooRequestError(
          "redirect",
          `${base.url} redirects too many times. Check the store address.`,
        );
      }
      current = new URL(location, current);
      if (current.protocol !== "https:" && current.protocol !== "http:") {
        throw new StoreUrlError(`The store redirects to an unsupported address (${current.protocol}).`);
      }
      // The base moves with the redirect: same path below it (…/wp-json/ or the home page).
      const below = current.pathname.replace(/\/wp-json(\/.*)?$/, "").replace(/\/+$/, "");
      base = await checkAddress(normalizeStoreUrl(`${current.origin}${below}`), deps);
      continue;
    }
    const text = typeof response.data === "string" ? response.data : "";
    // Whatever the content type: PHP output printed before WordPress's headers leaves a JSON answer as text/html.
    const body = readStoreBody(text);
    const json = body.kind === "json" ? body.value : null;
    const phpNotice = body.kind === "json" ? body.printed[0]?.text : undefined;
    return { status: response.status, headers, text, json, base, ...(phpNotice ? { phpNotice } : {}) };
  }
}

/** WordPress advertises its REST root as `Link: <…/wp-json/>; rel="https://api.w.org/"` and in the page head. */
export function apiLinkOf(linkHeader: string | undefined, html: string): string | null {
  const fromHeader = /<([^>]+)>\s*;\s*rel="https:\/\/api\.w\.org\/"/.exec(linkHeader ?? "");
  if (fromHeader) return fromHeader[1];
  const tag = /<link[^>]+rel=["']https:\/\/api\.w\.org\/["'][^>]*>/i.exec(html);
  const href = tag ? /href=["']([^"']+)["']/i.exec(tag[0]) : null;
  return href ? href[1].replace(/&amp;/g, "&") : null;
}

/** The page title, entities decoded: a WordPress home page's title is the site name (and maybe its tagline). */
export function htmlTitle(html: string): string | null {
  const match = /<title[^>]*>([^<]*)<\/title>/i.exec(html);
  return match ? siteName(match[1]) : null;
}

/** Half a surrogate pair, alone. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A site name as the merchant typed it. WordPress saves the name through `esc_html`, so the REST index's `name`
 * carries HTML entities ("Bob&#039;s Tools &amp; Co") just as the page title does: decoded, trimmed, shortened.
 */
export function siteName(raw: string): string | null {
  // Half a surrogate pair (JSON may spell one: "\ud83c") cannot be saved in PostgreSQL's JSON settings.
  const text = decodeReferences(raw.replace(LONE_SURROGATE, "\uFFFD")).trim();
  return text ? shortName(text) : null;
}

const NAMED_REFERENCES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/**
 * The character references esc_html and a page title use, in one pass: the "&" a reference gives never starts
 * another ("&#38;lt;" is the text "&lt;"). A number that names no character (NUL, a surrogate, past U+10FFFF) is
 * U+FFFD, as a browser reads it.
 */
function decodeReferences(text: string): string {
  return text.replace(
    /&(?:#(\d+)|#[xX]([0-9a-fA-F]+)|(amp|lt|gt|quot|apos));/g,
    (whole, decimal: string | undefined, hex: string | undefined, name: string | undefined) => {
      if (name) return NAMED_REFERENCES[name] ?? whole;
      const code = decimal !== undefined ? Number(decimal) : parseInt(hex ?? "", 16);
      const noCharacter = code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff);
      return noCharacter ? "\uFFFD" : String.fromCodePoint(code);
    },
  );
}

/** At most 120 characters, cut between words with an ellipsis rather than mid-word ("…Produits du Te"). */
function shortName(text: string, max = 120): string {
  if (text.length <= max) return text;
  const cut = sliceWhole(text, max - 1);
  const lastSpace = cut.lastIndexOf(" ");
  return `${(lastSpace > max / 2 ? cut.slice(0, lastSpace) : cut).replace(/[\s,;:–—-]+$/, "")}…`;
}
