/**
 * Document headers for the local Shopify emulator's mini admin (dev, demo, e2e: SHOPIFY_EMULATOR_URL set), on the
 * app's pages (entry.server) and on the pages shopify-app-remix answers itself (its session-token bounce page,
 * thrown from `authenticate.admin`). Against real Shopify nothing changes.
 */
import { loadEnv } from "./env.server";

/**
 * With the local Shopify emulator (dev/demo/e2e), the admin that frames the app is the emulator's origin, not
 * admin.shopify.com: add it to CSP frame-ancestors so the browser lets the mini admin embed the app.
 */
function allowEmulatorFrame(headers: Headers) {
  const emulator = loadEnv().SHOPIFY_EMULATOR_URL;
  const csp = headers.get("Content-Security-Policy");
  if (!emulator || !csp) return;
  const origin = new URL(emulator).origin;
  headers.set(
    "Content-Security-Policy",
    csp.replace(/frame-ancestors ([^;]*)/, `frame-ancestors $1 ${origin}`),
  );
}

/**
 * shopify-app-remix adds `Link: <https://cdn.shopify.com/shopifycloud/app-bridge.js>; rel="preload"` to every
 * document. With the local App Bridge stand-in (demo/e2e, APP_BRIDGE_URL set) that preload is a request to Shopify's
 * CDN the page never uses: point it at the script the page really loads, so nothing leaves the machine.
 */
function preloadLocalAppBridge(headers: Headers) {
  const appBridgeUrl = loadEnv().APP_BRIDGE_URL;
  const link = headers.get("Link");
  if (!appBridgeUrl || !link?.includes("cdn.shopify.com")) return;
  headers.set(
    "Link",
    link.replace(/<https:\/\/cdn\.shopify\.com\/shopifycloud\/app-bridge\.js>/, `<${appBridgeUrl}>`),
  );
}

/** Both changes, in place. */
export function emulatedAdminHeaders(headers: Headers): void {
  allowEmulatorFrame(headers);
  preloadLocalAppBridge(headers);
}

/**
 * A page shopify-app-remix throws instead of rendering the app (the bounce page that fetches a fresh session token)
 * gets the same headers: without the emulator in frame-ancestors the mini admin's frame refuses it and stays blank.
 */
export function emulatedAdminThrown(thrown: unknown): unknown {
  if (thrown instanceof Response && thrown.headers.get("Content-Type")?.startsWith("text/html"))
    emulatedAdminHeaders(thrown.headers);
  return thrown;
}
