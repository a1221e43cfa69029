/**
 * Reconnecting a disconnected Shopify store from its page in the embedded app (ADR 0059). A disconnect keeps the
 * shop's offline session, so opening the app again runs no token exchange and no afterAuth: without this the merchant
 * could only uninstall and reinstall the app. The reconnect runs the same install bookkeeping a reinstall runs
 * (`completeShopifyInstall`: disconnected → connected with an `integration.reconnected` audit entry, webhooks made to
 * exist through the platform, a full sync queued), with the stored session's token — once Shopify accepted that token
 * (app/integrations/shopify-reconnect-access.server.ts, ADR 0059 addendum). A refused token leaves the store
 * disconnected and its session removed; the request is then authenticated again, which makes shopify-app-remix
 * exchange its session token for new access and run afterAuth's install: that install reconnects the store.
 *
 * Only the shop whose admin the merchant is in can be reconnected this way: the session is that shop's.
 */
import { AppError } from "../lib/errors";
import type { AppDb } from "../sync/platform";
import { IntegrationNotFoundError } from "./disconnect.server";
import type { InstallOutcome } from "./shopify-install.server";

export interface ShopifyReconnectDeps {
  db: AppDb;
  /** The process's install bookkeeping (`shopifyServices().install`). */
  install(input: {
    shop: string;
    scope: string | null;
    organizationId: string;
    actor: string;
    syncTriggeredBy: string;
    requireWorkingAccess: boolean;
  }): Promise<InstallOutcome>;
  /**
   * Asks Shopify for new access for this request's shop (the embedded app authenticates the request again: without a
   * stored session shopify-app-remix exchanges its session token and runs afterAuth, i.e. the install). Throws when
   * Shopify gives none. Absent: the merchant is told to reload the app, which does the same.
   */
  renewAccess?(): Promise<void>;
}

/** A reconnect's outcome: the install's, or, when the kept token was refused, what new access brought back. */
export interface ShopifyReconnectOutcome extends InstallOutcome {
  /** Shopify refused the kept token and gave new access during this reconnect: the store came back with it. */
  renewedAccess: boolean;
}

export interface ShopifyReconnectInput {
  organizationId: string;
  integrationId: string;
  /** The shop of the embedded app's session, and its granted scopes. */
  shop: string;
  scope: string | null;
  actor: string;
}

/** The store is not one this page can reconnect (a WooCommerce store is connected again on its connect page). */
export class ReconnectNotAvailableError extends AppError {
  constructor() {
    super("reconnect_not_available", "That action is not available.", { httpStatus: 400 });
  }
}

/** Another shop's Shopify store: only that shop's session can reconnect it. */
export class ShopifyOtherShopError extends AppError {
  constructor(readonly shop: string) {
    super("shopify_other_shop", otherShopSentence(shop), { httpStatus: 409 });
  }
}

/** The store is not disconnected: there is nothing to reconnect. */
export class IntegrationNotDisconnectedError extends AppError {
  constructor(status: string) {
    super(
      "integration_not_disconnected",
      status === "needs_attention"
        ? "This store is still connected: it needs attention, and its status says what to do."
        : "This store is already connected: only a disconnected store can be reconnected.",
      { httpStatus: 409 },
    );
  }
}

/** What the page says of another shop's disconnected Shopify store (the answer to a reconnect of it, too). */
export function otherShopSentence(shop: string): string {
  return `Open Commerce Sync from ${shop}'s Shopify admin to reconnect it.`;
}

/**
 * Reconnects the organization's disconnected Shopify store of the session's shop. Another organization's store is
 * not found (404); another shop's store, a store that is not disconnected or a non-Shopify store are refused with the
 * reason. What the install found wrong (missing scopes, webhooks Shopify refused) is in the outcome; a kept token
 * Shopify refuses (or Shopify not answering) leaves the store disconnected, `withheld` with the sentence to show.
 */
export async function reconnectShopifyStore(
  deps: ShopifyReconnectDeps,
  input: ShopifyReconnectInput,
): Promise<ShopifyReconnectOutcome> {
  const integration = await deps.db.integration.findFirst({
    where: { id: input.integrationId, organizationId: input.organizationId },
    select: { platform: true, storeKey: true, status: true },
  });
  if (!integration) throw new IntegrationNotFoundError();
  if (integration.platform !== "shopify") throw new ReconnectNotAvailableError();
  if (integration.storeKey !== input.shop) throw new ShopifyOtherShopError(integration.storeKey);
  if (integration.status !== "disconnected") throw new IntegrationNotDisconnectedError(integration.status);
  const outcome = await deps.install({
    shop: input.shop,
    scope: input.scope,
    organizationId: input.organizationId,
    actor: input.actor,
    // The sync history says the merchant started it ("Full · by the merchant"), not "on install".
    syncTriggeredBy: input.actor,
    // The kept token may have been refused since the disconnect: then the store stays disconnected (ADR 0059 addendum).
    requireWorkingAccess: true,
  });
  if (!outcome.sessionRemoved || !deps.renewAccess) return { ...outcome, renewedAccess: false };
  return renewedReconnect(deps, input, outcome);
}

/**
 * The kept token was refused and its session removed: new access is asked for right away (what the page's next
 * request would do anyway), and afterAuth's install reconnects the store. The answer is the store as that left it;
 * without new access (Shopify gave none) it is the refusal, whose sentence says to reload the app.
 */
async function renewedReconnect(
  deps: ShopifyReconnectDeps,
  input: ShopifyReconnectInput,
  refused: InstallOutcome,
): Promise<ShopifyReconnectOutcome> {
  try {
    await deps.renewAccess!();
  } catch (error) {
    // shopify-app-remix answers a failed exchange with a Response (a retry, a 500): the store says what came of it.
    if (!(error instanceof Response)) throw error;
  }
  const store = await deps.db.integration.findUniqueOrThrow({
    where: { id: refused.integrationId },
    select: { status: true, statusReason: true },
  });
  if (store.status === "disconnected") return { ...refused, renewedAccess: false };
  return {
    ...refused,
    // afterAuth's install flipped the store (or a request beside it did) and queued its full sync.
    reconnected: true,
    fullSyncEnqueued: true,
    problems: store.status === "needs_attention" && store.statusReason ? [store.statusReason] : [],
    accessRefused: false,
    withheld: false,
    sessionRemoved: true,
    renewedAccess: true,
  };
}
