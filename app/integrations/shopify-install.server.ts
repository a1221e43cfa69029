/**
 * Shopify install bookkeeping, shared by both ways a shop arrives: token exchange in the embedded app
 * (shopify-app-remix's afterAuth) and the authorization-code grant (installs started outside the admin).
 *
 * `recordShopifyInstall` makes the organization and the `shopify` integration exist (a disconnected one is revived on
 * reinstall). `completeShopifyInstall` then reads the shop, makes its webhook subscriptions exist and enqueues the
 * first full sync; the Shopify calls it makes are counted in one audit entry. Idempotent: afterAuth runs again each
 * time the embedded app needs a new token.
 */
import type { Db } from "../db/client.server";
import { updateIntegrationSettings } from "../db/integration-settings.server";
import { AppError, isAppError } from "../lib/errors";
import { leadingStatusCode } from "../lib/attention-cause";
import type { AppDb, PlatformContext, StoreCall, WebhookMaintenanceReport } from "../sync/platform";
import type { ShopifyPlatform } from "../platforms/shopify/index.server";
import { fetchShopInfo, saveShopInfo } from "../platforms/shopify/shop-info.server";
import { missingScopes, scopeProblems, SYNC_SCOPES } from "../platforms/shopify/access-scopes";
import { SHOP_ACCESS_QUERY } from "../platforms/shopify/queries/shop";
import { checkReconnectAccess } from "./shopify-reconnect-access.server";

type InstallInput = {
  shop: string;
  scope?: string | null;
  actor?: string;
  /** Attach a new integration to this organization (an install started from an existing account). */
  organizationId?: string;
  /** Store calls already made for this install (the authorization-code exchange), for the audit entry. */
  calls?: StoreCall[];
  /** Who the full sync it queues is shown as started by (default "install"; a reconnect: the merchant). */
  syncTriggeredBy?: string;
  /**
   * A reconnect from the store's page, with the token kept since the disconnect (ADR 0059 addendum): a disconnected
   * store is only turned back on if Shopify accepts that token; otherwise it is left as it was (`withheld`).
   */
  requireWorkingAccess?: boolean;
};

export interface InstallRecord {
  organizationId: string;
  integrationId: string;
  /** First install of this shop. */
  created: boolean;
  /** A disconnected integration came back (reinstall). */
  reconnected: boolean;
}

/** The shop is already connected to another organization: installing must not move it (or its data). */
export class ShopifyShopClaimedError extends AppError {
  constructor(readonly shop: string) {
    super(
      "shopify_shop_claimed",
      `${shop} is already connected to another Commerce Sync account. Disconnect it there first.`,
      { httpStatus: 409 },
    );
  }
}

/**
 * Opening the app is how a merchant reconnects a shop whose stored access Shopify refused (the store's page says so):
 * while the shop's integration needs attention, each opening of the app (a page load, not the page's own data
 * requests) makes one Admin API call with the stored token. A refused token makes shopify-app-remix drop it and send
 * the page through its bounce page, which exchanges the session for a new token (afterAuth then runs the install
 * again, which clears the status); the call throws that redirect, which must reach Remix. A data
 * request is left alone: the library answers it a bare 401 that the page would show as an error. Any other failure
 * is left to the store's page: the app still opens.
 */
export async function recheckShopAccess(
  db: AppDb,
  request: { shop: string; pageLoad: boolean },
  graphql: (query: string) => Promise<unknown>,
): Promise<void> {
  if (!request.pageLoad) return;
  const shop = request.shop;
  const integration = await db.integration.findUnique({
    where: { platform_storeKey: { platform: "shopify", storeKey: shop } },
    select: { status: true },
  });
  if (integration?.status !== "needs_attention") return;
  try {
    await graphql(SHOP_ACCESS_QUERY);
  } catch (error) {
    // The library's way to the bounce page is a thrown redirect; Shopify's other answers are the store page's to tell.
    if (error instanceof Response && error.status >= 300 && error.status < 400) throw error;
  }
}

/**
 * Finds or creates the shop's integration and its organization, and reconnects an integration that had been
 * disconnected (reinstall).
 */
export async function recordShopifyInstall(db: Db, input: InstallInput): Promise<InstallRecord> {
  const existing = await db.integration.findUnique({
    where: { platform_storeKey: { platform: "shopify", storeKey: input.shop } },
  });
  if (existing) {
    if (input.organizationId && input.organizationId !== existing.organizationId) {
      throw new ShopifyShopClaimedError(input.shop);
    }
    // An app/uninstalled processed right now (the merchant uninstalled and installed again within seconds) disconnects
    // only a row unchanged since it read it (ADR 0054 addendum): the stamp is the change it sees. An uninstall that
    // disconnected the row before the stamp is undone just below, so the flip is tried whatever `existing` said.
    await db.integration.update({
      where: { id: existing.id },
      data: { updatedAt: new Date(Math.max(Date.now(), existing.updatedAt.getTime() + 1)) },
    });
    // Only one of two concurrent reinstalls flips the status (and writes the audit entry).
    const flipped = await db.integration.updateMany({
      where: { id: existing.id, status: "disconnected" },
      data: { status: "connected", statusReason: null, statusCode: null, disconnectedAt: null },
    });
    const reconnected = flipped.count === 1;
    if (reconnected) {
      await db.auditLog.create({ data: installAudit(input, existing, "integration.reconnected") });
    }
    return {
      organizationId: existing.organizationId,
      integrationId: existing.id,
      created: false,
      reconnected,
    };
  }

  try {
    return await createShopifyIntegration(db, input);
  } catch (error) {
    // Two first requests of a new shop can run afterAuth at once: the loser finds the winner's integration.
    if ((error as { code?: string }).code === "P2002") return recordShopifyInstall(db, input);
    throw error;
  }
}

async function createShopifyIntegration(db: Db, input: InstallInput): Promise<InstallRecord> {
  return db.$transaction(async (tx) => {
    const organization = input.organizationId
      ? await tx.organization.findUniqueOrThrow({ where: { id: input.organizationId } })
      : await tx.organization.create({ data: { name: shopDisplayName(input.shop) } });
    const integration = await tx.integration.create({
      data: {
        organizationId: organization.id,
        platform: "shopify",
        name: shopDisplayName(input.shop),
        storeKey: input.shop,
        status: "connected",
      },
    });
    await tx.auditLog.create({ data: installAudit(input, integration, "integration.connected") });
    return {
      organizationId: organization.id,
      integrationId: integration.id,
      created: true,
      reconnected: false,
    };
  });
}

function installAudit(
  input: InstallInput,
  integration: { id: string; organizationId: string },
  action: "integration.connected" | "integration.reconnected",
) {
  return {
    organizationId: integration.organizationId,
    integrationId: integration.id,
    actor: input.actor ?? `merchant:${input.shop}`,
    action,
    detail: { platform: "shopify", shop: input.shop, scope: input.scope ?? null },
  };
}

/** "acme-shop.myshopify.com" → "acme-shop" (a readable default name the merchant can change). */
export function shopDisplayName(shop: string): string {
  return shop.replace(/\.myshopify\.com$/, "");
}

export interface ShopifyInstallDeps {
  db: AppDb;
  platform: ShopifyPlatform;
  /** Enqueues the first full sync (deduplicated by the queue). */
  enqueueFullSync(integrationId: string, triggeredBy?: string): Promise<unknown>;
  /**
   * Enqueues an incremental sync of a store whose access came back (it needed attention and the install found
   * nothing wrong): what its failed syncs missed is read now, not at the next scheduled check.
   */
  enqueueCatchUpSync?(integrationId: string): Promise<unknown>;
}

export interface InstallOutcome extends InstallRecord {
  webhooks: WebhookMaintenanceReport | null;
  fullSyncEnqueued: boolean;
  /** What went wrong with the store-side steps (the install itself stands; the merchant sees the reason). */
  problems: string[];
  /**
   * Shopify refused the shop's stored token (or none is stored): the app was uninstalled meanwhile or its access
   * revoked, so nothing could be read. One of `problems` says so.
   */
  accessRefused: boolean;
  /**
   * A reconnect (`requireWorkingAccess`) left the disconnected store as it was: Shopify refused the stored token
   * (`accessRefused`) or could not be asked. `problems` holds the one sentence to show.
   */
  withheld: boolean;
  /** With `withheld`: the refused offline session was removed, so the library's token exchange can replace it. */
  sessionRemoved: boolean;
}

/**
 * Everything after a shop granted access (its offline token is already in the session storage): bookkeeping, the
 * shop's identity, webhook subscriptions, the first full sync. Store-side failures never undo the install: they
 * move the integration to `needs_attention` with the reason, and the next reconcile repairs the subscriptions. A
 * reconnect from the store's page (`requireWorkingAccess`) first checks Shopify accepts the kept token, and leaves a
 * disconnected store as it was if not (`withheld`).
 */
export async function completeShopifyInstall(
  deps: ShopifyInstallDeps,
  input: InstallInput,
): Promise<InstallOutcome> {
  const { db, platform } = deps;
  const calls: StoreCall[] = [...(input.calls ?? [])];
  if (input.requireWorkingAccess) {
    const withheld = await withheldReconnect(deps, input, calls);
    if (withheld) return withheld;
  }
  const record = await recordShopifyInstall(db, input);
  const integration = await db.integration.findUniqueOrThrow({ where: { id: record.integrationId } });
  const ctx: PlatformContext = {
    db,
    integration,
    credentials: null,
    webhookSecret: null,
    recordCall: (call) => calls.push(call),
    saveCredentials: async () => undefined,
  };
  const problems: string[] = [];
  // The stable code of each problem (Integration.statusCode, app/lib/attention-cause.ts).
  const codes: string[] = [];
  // Scopes Shopify did not grant (e.g. read_all_orders: older orders would be missing without any error).
  const missing = missingScopes(input.scope, SYNC_SCOPES);
  let newlyGranted = false;
  for (const problem of scopeProblems(missing)) {
    problems.push(problem);
    codes.push("shopify_scopes_missing");
  }
  if (input.scope != null) {
    const update = await updateIntegrationSettings(db, integration.id, (settings) => ({
      ...settings,
      shopifyMissingScopes: missing,
    }));
    const previouslyMissing = (update?.previous.shopifyMissingScopes as string[] | undefined) ?? [];
    newlyGranted = previouslyMissing.some((s) => !missing.includes(s));
  }
  let webhooks: WebhookMaintenanceReport | null = null;
  let accessRefused = false;
  try {
    const client = platform.clientFor(ctx);
    const info = await fetchShopInfo(client);
    await saveShopInfo(db, integration.id, info);
    if (record.created && info.name) {
      await db.integration.update({ where: { id: integration.id }, data: { name: info.name } });
    }
    webhooks = await platform.maintainWebhooks!(ctx, new AbortController().signal);
    problems.push(...webhooks.problems);
    codes.push(...webhooks.problems.map((problem) => webhooks!.problemCodes?.[problem] ?? "webhook_problem"));
  } catch (error) {
    accessRefused = isAppError(error, "shopify_access_revoked") || isAppError(error, "shopify_not_installed");
    problems.push(error instanceof Error ? error.message : String(error));
    codes.push(isAppError(error) ? error.code : "install_incomplete");
  }

  const needsFirstSync =
    record.created ||
    record.reconnected ||
    // A scope granted since the last install (e.g. read_all_orders) opens data the last full sync could not read.
    newlyGranted ||
    (await db.syncRun.count({
      where: { integrationId: integration.id, kind: "full", status: { in: ["succeeded", "partial"] } },
    })) === 0;
  let fullSyncEnqueued = false;
  if (needsFirstSync) {
    await deps.enqueueFullSync(integration.id, input.syncTriggeredBy);
    fullSyncEnqueued = true;
  }
  if (webhooks) {
    // The same record the scheduled reconcile keeps (Integration.webhookHealth), so the merchant's view shows it.
    await db.integration.update({
      where: { id: integration.id },
      data: { webhookHealth: { ...webhooks, checkedAt: new Date().toISOString() } },
    });
  }
  // Access came back: the shop was installed again, or a store that needed attention installs without a problem.
  const restored = record.reconnected || (integration.status === "needs_attention" && problems.length === 0);
  if (restored) await recordAccessRestored(db, integration.id);
  if (problems.length > 0) {
    await db.integration.update({
      where: { id: integration.id },
      data: {
        status: "needs_attention",
        statusReason: installProblemsInWords(problems),
        statusCode: leadingStatusCode(codes),
      },
    });
  } else if (integration.status === "needs_attention") {
    await db.integration.update({
      where: { id: integration.id },
      data: { status: "connected", statusReason: null, statusCode: null },
    });
    if (!fullSyncEnqueued) await deps.enqueueCatchUpSync?.(integration.id);
  }
  await db.auditLog.create({
    data: {
      organizationId: record.organizationId,
      integrationId: record.integrationId,
      actor: input.actor ?? `merchant:${input.shop}`,
      action: "shopify.install.completed",
      detail: {
        shop: input.shop,
        created: record.created,
        reconnected: record.reconnected,
        fullSyncEnqueued,
        webhooksRepaired: webhooks?.repaired.map((r) => r.topic) ?? [],
        problems,
        calls: summarizeCalls(calls),
      },
    },
  });
  return {
    ...record,
    webhooks,
    fullSyncEnqueued,
    problems,
    accessRefused,
    withheld: false,
    sessionRemoved: false,
  };
}

/**
 * A reconnect that must not happen (`requireWorkingAccess`, see app/integrations/shopify-reconnect-access.server.ts):
 * audited with the calls made, and answered with the reason; nothing else is written. Null when the install goes on.
 */
async function withheldReconnect(
  deps: ShopifyInstallDeps,
  input: InstallInput,
  calls: StoreCall[],
): Promise<InstallOutcome | null> {
  const check = await checkReconnectAccess(deps, input.shop, (call) => calls.push(call));
  if (!check) return null;
  const { integration, accessRefused, sessionRemoved, problem } = check;
  await deps.db.auditLog.create({
    data: {
      organizationId: integration.organizationId,
      integrationId: integration.id,
      actor: input.actor ?? `merchant:${input.shop}`,
      action: "shopify.reconnect.withheld",
      detail: { shop: input.shop, accessRefused, sessionRemoved, problem, calls: summarizeCalls(calls) },
    },
  });
  return {
    organizationId: integration.organizationId,
    integrationId: integration.id,
    created: false,
    reconnected: false,
    webhooks: null,
    fullSyncEnqueued: false,
    problems: [problem],
    accessRefused,
    withheld: true,
    sessionRemoved,
  };
}

/**
 * Notes when the store's access came back (`settings.accessRestoredAt`), so the failed syncs of the time it was gone
 * stop showing it as needing attention before the sync queued for it has run (app/integrations/display-status.ts).
 */
async function recordAccessRestored(db: AppDb, integrationId: string): Promise<void> {
  const restoredAt = new Date().toISOString();
  await updateIntegrationSettings(db, integrationId, (settings) => ({
    ...settings,
    accessRestoredAt: restoredAt,
  }));
}

/** Store calls for an audit entry: operation, outcome and status of each (never tokens or bodies). */
export function summarizeCalls(calls: StoreCall[]) {
  return calls.map((c) => ({
    operation: c.operation,
    outcome: c.outcome,
    ...(c.httpStatus === undefined ? {} : { httpStatus: c.httpStatus }),
    durationMs: c.durationMs,
    ...(c.error ? { error: c.error } : {}),
  }));
}

/**
 * The store's status text for install problems: the first two in order (scopes come before webhook topics, so a
 * missing scope and protected data not approved — two separate fixes — both show), then how many more there are
 * (one refused webhook topic each, usually for the same reason).
 */
export function installProblemsInWords(problems: string[]): string {
  const distinct = [...new Set(problems)];
  const shown = distinct.slice(0, 2).join(" ");
  const more = distinct.length - 2;
  return (more > 0 ? `${shown} (${more} more like these.)` : shown).slice(0, 2000);
}
