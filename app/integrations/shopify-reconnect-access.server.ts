/**
 * A reconnect from the store's page runs the install with the token kept since the disconnect (ADR 0059). Shopify may
 * have refused that token since (the merchant revoked the app's access, or the app was reinstalled elsewhere): the
 * store must then stay disconnected rather than be turned on and fail every sync (ADR 0059 addendum). This is the check
 * made before the install writes anything.
 *
 * A refused token's offline session is removed, only if it still holds the refused token (read before the check,
 * compare-and-delete, as app/uninstalled does): without a session, the next load of the app from the Shopify admin
 * exchanges its session token for new access, and afterAuth's install reconnects the store.
 */
import { withoutRetryNote } from "../lib/errors";
import type { AppDb, PlatformContext, StoreCallRecorder } from "../sync/platform";
import type { ShopifyPlatform } from "../platforms/shopify/index.server";
import { offlineSessionId } from "../platforms/shopify/access-token.server";
import { ShopifyHttpError, ShopifyThrottledError, ShopifyTimeoutError } from "../platforms/shopify/errors";
import { readShopSessions, removeUnchangedSessions } from "../platforms/shopify/session-storage.server";
import { whileRunning } from "../platforms/shopify/queries/operations";
import { storedAccessRefusal } from "../platforms/shopify/stored-access.server";

export interface WithheldReconnect {
  integration: { id: string; organizationId: string };
  /** Shopify refused the kept token (or none is stored); false when Shopify could not be asked. */
  accessRefused: boolean;
  /** The refused offline session was removed (it still held the refused token). */
  sessionRemoved: boolean;
  /** The sentence the merchant reads: what happened and what to do. */
  problem: string;
}

/**
 * Null when the install can go on: the shop's store is not a disconnected one (the install flips nothing), or Shopify
 * accepts the kept token. Otherwise why the store stays disconnected. Shopify not answering (network, 5xx, throttling)
 * leaves the store and its session as they are, to try again.
 */
export async function checkReconnectAccess(
  deps: { db: AppDb; platform: ShopifyPlatform },
  shop: string,
  recordCall: StoreCallRecorder,
): Promise<WithheldReconnect | null> {
  const { db, platform } = deps;
  const integration = await db.integration.findUnique({
    where: { platform_storeKey: { platform: "shopify", storeKey: shop } },
  });
  if (integration?.status !== "disconnected") return null;
  // Read before the check: a session stored after it (a new token) holds another ciphertext, and is kept.
  const offline = (await readShopSessions(db, shop)).filter((s) => s.id === offlineSessionId(shop));
  const ctx: PlatformContext = {
    db,
    integration,
    credentials: null,
    webhookSecret: null,
    recordCall,
    saveCredentials: async () => undefined,
  };
  const withheld = { integration: { id: integration.id, organizationId: integration.organizationId } };
  let refusal: Awaited<ReturnType<typeof storedAccessRefusal>>;
  try {
    refusal = await storedAccessRefusal(platform.clientFor(ctx));
  } catch (error) {
    // Only Shopify not answering is "try again"; anything else (a token that cannot be opened, the database, a bug)
    // is a fault to fix, thrown on like any unexpected error of the page (nothing has been written yet).
    const why = notAnsweringInWords(error);
    if (!why) throw error;
    return {
      ...withheld,
      accessRefused: false,
      sessionRemoved: false,
      problem:
        `Shopify could not be asked whether Commerce Sync's access to ${shop} still works, so the store was not ` +
        `reconnected: ${why}. Try Reconnect again in a moment.`,
    };
  }
  if (!refusal) return null;
  await removeUnchangedSessions(db, shop, offline);
  // An offline session still there was stored since the read (the app opened again meanwhile): not the refused token.
  const newAccessStored = (await readShopSessions(db, shop)).some((s) => s.id === offlineSessionId(shop));
  return {
    ...withheld,
    accessRefused: true,
    sessionRemoved: offline.length > 0 && !newAccessStored,
    problem: refusedReconnectInWords(
      shop,
      "responseStatus" in refusal ? refusal.responseStatus : null,
      newAccessStored,
    ),
  };
}

/**
 * Why Shopify gave no verdict on the kept token (network, 5xx, timeout, throttling past the retries), in a reconnect's
 * words: the errors' own messages speak of the next sync, which a disconnected store does not have. Null for any
 * other failure.
 */
function notAnsweringInWords(error: unknown): string | null {
  if (error instanceof ShopifyTimeoutError) return withoutRetryNote(error.message).text.replace(/\.$/, "");
  // The call named as the errors name it ("while checking the app's access to the store (ShopAccess)").
  if (error instanceof ShopifyThrottledError)
    return `Shopify kept throttling the app's requests ${whileRunning(error.operation)}`;
  if (error instanceof ShopifyHttpError)
    return `${error.responseStatus === 0 ? "Shopify could not be reached" : `Shopify answered ${error.responseStatus}`} ${whileRunning(error.operation)}`;
  return null;
}

/** What the merchant reads when the kept token of the store they reconnect is refused (or gone). */
function refusedReconnectInWords(
  shop: string,
  responseStatus: number | null,
  newAccessStored: boolean,
): string {
  const refused =
    responseStatus === null
      ? `Commerce Sync holds no access to ${shop} any more`
      : `Shopify no longer accepts Commerce Sync's access to ${shop} (${responseStatus})`;
  // The next Reconnect uses the new token.
  if (newAccessStored)
    return `${refused}, so the store was not reconnected. New access has arrived since: press Reconnect again.`;
  return (
    `${refused}, so the store was not reconnected. Reload Commerce Sync from the Shopify admin: Shopify then gives ` +
    "the app new access and the store reconnects (a full sync starts)."
  );
}
