import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";

/**
 * Sends every Shopify call of @shopify/shopify-api (`https://{shop}/admin/...`) to the local Shopify emulator at
 * `emulatorUrl`, naming the shop in `X-Emulated-Shop`. Used only when SHOPIFY_EMULATOR_URL is set (dev, demo, e2e);
 * production keeps the library's real fetch. The library reads this function on every request, so it must be
 * installed before the first Shopify call.
 */
export function routeShopifyToEmulator(
  emulatorUrl: string,
  baseFetch: typeof fetch = globalThis.fetch,
): void {
  const base = new URL(emulatorUrl);
  setAbstractFetchFunc(async (input, init) => {
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
  });
}
