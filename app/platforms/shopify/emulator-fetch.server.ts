import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";

/**
 * A fetch that sends Shopify calls (`https://{shop}/admin/...`) to the local Shopify emulator at `emulatorUrl`,
 * naming the shop in `X-Emulated-Shop`; every other URL (bulk result files, for example) goes out unchanged. Used
 * only when SHOPIFY_EMULATOR_URL is set (dev, demo, e2e, tests); production uses the plain fetch.
 */
export function emulatorRedirectFetch(
  emulatorUrl: string,
  baseFetch: typeof fetch = globalThis.fetch,
): typeof fetch {
  const base = new URL(emulatorUrl);
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const original = new URL(
      typeof input === "string" ? input : input instanceof URL ? input.href : input.url,
    );
    if (!original.hostname.endsWith(".myshopify.com") && original.hostname !== "admin.shopify.com") {
      return baseFetch(input, init);
    }
    const target = new URL(original.pathname + original.search, base);
    const headers = new Headers(init?.headers);
    headers.set("X-Emulated-Shop", original.hostname);
    return baseFetch(target, { ...init, headers });
  }) as typeof fetch;
}

/**
 * Routes every call of @shopify/shopify-api (OAuth, token exchange, its GraphQL client) to the emulator. The library
 * reads this function on every request, so it must be installed before the first Shopify call.
 */
export function routeShopifyToEmulator(
  emulatorUrl: string,
  baseFetch: typeof fetch = globalThis.fetch,
): void {
  setAbstractFetchFunc(
    emulatorRedirectFetch(emulatorUrl, baseFetch) as Parameters<typeof setAbstractFetchFunc>[0],
  );
}
