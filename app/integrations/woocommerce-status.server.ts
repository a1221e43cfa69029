/**
 * What a WooCommerce owner's status pages show, always scoped by their organization: another organization's store
 * id is "not found", never data.
 */
import { AppError } from "../lib/errors";
import { wooSettingsOf, type PhpNoticeSeen } from "../platforms/woocommerce/settings";
import { WEBHOOK_TOPICS } from "../platforms/woocommerce/webhooks.server";
import type { AppDb } from "../sync/platform";

export class StoreNotFoundError extends AppError {
  constructor() {
    super("integration_not_found", "No store with this id is connected to your account.", {
      httpStatus: 404,
    });
  }
}

export interface OwnerStoreSummary {
  id: string;
  name: string;
  url: string;
  status: string;
  statusReason: string | null;
  lastSyncAt: string | null;
  counts: { contacts: number; orders: number; products: number };
  readOnly: boolean;
  wooCommerceVersion: string | null;
  currency: string | null;
  /** The store prints PHP messages into its API answers: the first one seen and since when (ADR 0058). */
  phpNotice: PhpNoticeSeen | null;
}

export interface OwnerStoreDetail extends OwnerStoreSummary {
  /** When the current connection began (its last connect after a disconnect); for a disconnected store, the last one. */
  connectedAt: string;
  /** When the store was first connected (the integration's creation). */
  firstConnectedAt: string;
  /** When it was disconnected, for a disconnected store. */
  disconnectedAt: string | null;
  running: { kind: string; done: number; total: number | null; currentResource: string | null } | null;
  runs: Array<{
    id: string;
    kind: string;
    status: string;
    startedAt: string;
    finishedAt: string | null;
    synced: { contacts: number; orders: number; products: number };
    failed: number;
    errorMessage: string | null;
  }>;
  webhooks: {
    topics: number;
    checkedAt: string | null;
    healthy: number;
    repaired: Array<{ topic: string; action: string; reason: string }>;
    problems: string[];
    last24h: { received: number; processed: number; failed: number };
    recent: Array<{ topic: string; status: string; receivedAt: string; lastError: string | null }>;
  };
}

type Row = {
  id: string;
  name: string;
  storeKey: string;
  status: string;
  statusReason: string | null;
  lastSyncAt: Date | null;
  syncedContacts: number;
  syncedOrders: number;
  syncedProducts: number;
  settings: unknown;
};

function summary(row: Row): OwnerStoreSummary {
  const settings = wooSettingsOf(row.settings);
  return {
    id: row.id,
    name: row.name,
    url: row.storeKey,
    status: row.status,
    statusReason: row.statusReason,
    lastSyncAt: row.lastSyncAt?.toISOString() ?? null,
    counts: { contacts: row.syncedContacts, orders: row.syncedOrders, products: row.syncedProducts },
    readOnly: settings.readOnly === true,
    wooCommerceVersion: settings.wooCommerceVersion ?? null,
    currency: settings.currency ?? null,
    phpNotice: settings.phpNotice ?? null,
  };
}

/**
 * What the embedded store page says once about the organization's WooCommerce store (the owner's page reads the
 * same from `ownerStoreDetail`): whether its key is read-only, and the PHP messages it prints into its API answers
 * as last recorded (ADR 0058). Nothing for any other store, or another organization's.
 */
export async function wooStoreNotes(
  db: AppDb,
  organizationId: string,
  integrationId: string,
): Promise<{ readOnlyKey: boolean; phpNotice: PhpNoticeSeen | null }> {
  const row = await db.integration.findFirst({
    where: { id: integrationId, organizationId, platform: "woocommerce" },
    select: { settings: true },
  });
  const settings = row ? wooSettingsOf(row.settings) : null;
  return { readOnlyKey: settings?.readOnly === true, phpNotice: settings?.phpNotice ?? null };
}

/** The organization's WooCommerce stores (connected first, then by name). */
export async function listOwnerStores(db: AppDb, organizationId: string): Promise<OwnerStoreSummary[]> {
  const rows = await db.integration.findMany({
    where: { organizationId, platform: "woocommerce" },
    orderBy: [{ createdAt: "asc" }],
  });
  return rows
    .map(summary)
    .sort((a, b) => Number(a.status === "disconnected") - Number(b.status === "disconnected"));
}

/** One store of the organization, with its recent syncs and webhook health. Throws StoreNotFoundError. */
export async function ownerStoreDetail(
  db: AppDb,
  organizationId: string,
  integrationId: string,
  now = new Date(),
): Promise<OwnerStoreDetail> {
  const row = await db.integration.findFirst({
    where: { id: integrationId, organizationId, platform: "woocommerce" },
  });
  if (!row) throw new StoreNotFoundError();
  const since = new Date(now.getTime() - 24 * 60 * 60_000);
  const [runs, recent, received, processed, failed] = await Promise.all([
    db.syncRun.findMany({ where: { integrationId }, orderBy: { startedAt: "desc" }, take: 10 }),
    db.webhookEvent.findMany({
      where: { integrationId },
      orderBy: { receivedAt: "desc" },
      take: 10,
      select: { topic: true, status: true, receivedAt: true, lastError: true },
    }),
    db.webhookEvent.count({ where: { integrationId, receivedAt: { gte: since } } }),
    db.webhookEvent.count({ where: { integrationId, receivedAt: { gte: since }, status: "processed" } }),
    db.webhookEvent.count({ where: { integrationId, receivedAt: { gte: since }, status: "failed" } }),
  ]);
  const live = runs.find((r) => r.status === "running" || r.status === "queued");
  const connection = await connectionDates(db, organizationId, row.id, row.createdAt);
  const health = row.webhookHealth as {
    checkedAt?: string;
    healthy?: string[];
    repaired?: Array<{ topic: string; action: string; reason: string }>;
    problems?: string[];
  } | null;
  return {
    ...summary(row),
    connectedAt: connection.current.toISOString(),
    firstConnectedAt: connection.first.toISOString(),
    disconnectedAt: row.status === "disconnected" ? (row.disconnectedAt?.toISOString() ?? null) : null,
    running: live
      ? {
          kind: live.kind,
          done: live.progressDone,
          total: live.progressTotal,
          currentResource: live.currentResource,
        }
      : null,
    runs: runs.map((r) => ({
      id: r.id,
      kind: r.kind,
      status: r.status,
      startedAt: r.startedAt.toISOString(),
      finishedAt: r.finishedAt?.toISOString() ?? null,
      synced: { contacts: r.contactsSynced, orders: r.ordersSynced, products: r.productsSynced },
      failed: r.contactsFailed + r.ordersFailed + r.productsFailed,
      errorMessage: r.errorMessage,
    })),
    webhooks: {
      topics: WEBHOOK_TOPICS.length,
      checkedAt: health?.checkedAt ?? null,
      healthy: health?.healthy?.length ?? 0,
      repaired: health?.repaired ?? [],
      problems: health?.problems ?? [],
      last24h: { received, processed, failed },
      recent: recent.map((e) => ({
        topic: e.topic,
        status: e.status,
        receivedAt: e.receivedAt.toISOString(),
        lastError: e.lastError,
      })),
    },
  };
}

/**
 * When the store's latest connection began, from its audit trail: the first connect after its last disconnect (a
 * reconnect of a connected store, e.g. a new key, does not start a new one); and when it was first connected. Only
 * this organization's trail since the store last came to it: a store another organization connected and left is
 * moved by the connect (its entry notes `movedFromOrganization`), and the other organization's dates — its creation
 * time included — are not this one's to see. The creation time when the trail has nothing (stores connected before
 * it was kept).
 */
async function connectionDates(
  db: AppDb,
  organizationId: string,
  integrationId: string,
  createdAt: Date,
): Promise<{ current: Date; first: Date }> {
  const trail = await db.auditLog.findMany({
    where: {
      organizationId,
      integrationId,
      action: { in: ["integration.connected", "integration.reconnected", "integration.disconnected"] },
    },
    orderBy: { createdAt: "asc" },
    select: { action: true, createdAt: true, detail: true },
  });
  const movedIn = trail.findLastIndex((entry) => movedFrom(entry.detail));
  const entries = movedIn === -1 ? trail : trail.slice(movedIn);
  let started: Date | null = null;
  let connected = false;
  for (const entry of entries) {
    if (entry.action === "integration.disconnected") connected = false;
    else if (!connected) {
      started = entry.createdAt;
      connected = true;
    }
  }
  const first = movedIn === -1 ? createdAt : trail[movedIn].createdAt;
  return { current: started ?? first, first };
}

function movedFrom(detail: unknown): boolean {
  return typeof detail === "object" && detail !== null && "movedFromOrganization" in detail;
}
