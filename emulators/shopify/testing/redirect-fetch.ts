/**
 * Test helper: routes @shopify/shopify-api's calls (`https://{shop}/admin/...`) to a running emulator with the
 * `X-Emulated-Shop` header. `setAbstractFetchFunc` is process-global: call this in `beforeAll` of each test file
 * that uses the library (vitest runs each file in its own process with pool "forks").
 */
import "@shopify/shopify-api/adapters/node";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";

/** A fetch that sends `https://{shop}/...` to `emulatorUrl` with X-Emulated-Shop; other URLs go out unchanged. */
export function emulatorFetch(emulatorUrl: string): typeof fetch {
  const base = new URL(emulatorUrl);
  return async (input, init) => {
    const original = new URL(
      typeof input === "string" ? input : input instanceof URL ? input.href : input.url,
    );
    if (!original.hostname.endsWith(".myshopify.com")) return fetch(input, init);
    const headers = new Headers(init?.headers);
    headers.set("X-Emulated-Shop", original.hostname);
    return fetch(new URL(original.pathname + original.search, base), { ...init, headers });
  };
}

/** Installs `emulatorFetch(emulatorUrl)` as @shopify/shopify-api's fetch for this process. */
export function redirectShopifyFetch(emulatorUrl: string): void {
  setAbstractFetchFunc(emulatorFetch(emulatorUrl) as Parameters<typeof setAbstractFetchFunc>[0]);
}
