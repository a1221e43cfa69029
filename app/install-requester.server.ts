/**
 * Who asked for the install that afterAuth runs, when someone did. afterAuth is called by shopify-app-remix during a
 * token exchange and knows only the session: a reconnect from a store's page whose kept token Shopify refused asks
 * for new access at once (`renewAccess`, ADR 0059 addendum), and the install that access runs reconnects the store
 * and queues its full sync. That sync is the merchant's ("Full · by the merchant"), as a reconnect with a working
 * token records it, not "on install".
 *
 * Carried with the request's asynchronous context (AsyncLocalStorage), for one shop: an install of another shop, and
 * every install nobody asked for here (an install, a reinstall, a page load after a refusal), reads nothing and
 * records what it always did.
 */
import { AsyncLocalStorage } from "node:async_hooks";

interface InstallRequest {
  shop: string;
  /** The full sync's `triggeredBy`, e.g. "merchant:acme.myshopify.com". */
  syncTriggeredBy: string;
}

const requests = new AsyncLocalStorage<InstallRequest>();

/** Runs `work` (which may run afterAuth's install of `shop`) as asked for by `syncTriggeredBy`. */
export function asRequestedInstall<T>(request: InstallRequest, work: () => Promise<T>): Promise<T> {
  return requests.run(request, work);
}

/** Who asked for this install of `shop` (its full sync's `triggeredBy`), or undefined when nobody did here. */
export function installRequestedBy(shop: string): string | undefined {
  const request = requests.getStore();
  return request?.shop === shop ? request.syncTriggeredBy : undefined;
}
