import type { Db } from "../db/client.server";

export interface DashboardIntegration {
  id: string;
  platform: string;
  name: string;
  storeKey: string;
  status: string;
  statusReason: string | null;
  lastSyncAt: string | null;
  syncedContacts: number;
  syncedOrders: number;
  syncedProducts: number;
}

export interface DashboardRun {
  id: string;
  integrationName: string;
  kind: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  synced: number;
  failed: number;
}

export interface ShopDashboard {
  organizationName: string | null;
  totals: { contacts: number; orders: number; products: number };
  integrations: DashboardIntegration[];
  recentRuns: DashboardRun[];
}

/**
 * Everything the dashboard shows for the organization a Shopify shop belongs to. Scoped by organization: a shop
 * never sees another organization's data.
 */
export async function loadShopDashboard(db: Db, shop: string, recentRunLimit = 10): Promise<ShopDashboard> {
  const current = await db.integration.findUnique({
    where: { platform_storeKey: { platform: "shopify", storeKey: shop } },
    include: { organization: true },
  });
  if (!current) {
    return {
      organizationName: null,
      totals: { contacts: 0, orders: 0, products: 0 },
      integrations: [],
      recentRuns: [],
    };
  }
  const organizationId = current.organizationId;
  const [integrations, contacts, orders, products, runs] = await Promise.all([
    db.integration.findMany({ where: { organizationId }, orderBy: { createdAt: "asc" } }),
    db.contact.count({ where: { organizationId, redactedAt: null } }),
    db.order.count({ where: { organizationId, deletedAt: null } }),
    db.product.count({ where: { organizationId, deletedAt: null } }),
    db.syncRun.findMany({
      where: { integration: { organizationId } },
      orderBy: { startedAt: "desc" },
      take: recentRunLimit,
      include: { integration: { select: { name: true } } },
    }),
  ]);
  return {
    organizationName: current.organization.name,
    totals: { contacts, orders, products },
    integrations: integrations.map((i) => ({
      id: i.id,
      platform: i.platform,
      name: i.name,
      storeKey: i.storeKey,
      status: i.status,
      statusReason: i.statusReason,
      lastSyncAt: i.lastSyncAt?.toISOString() ?? null,
      syncedContacts: i.syncedContacts,
      syncedOrders: i.syncedOrders,
      syncedProducts: i.syncedProducts,
    })),
    recentRuns: runs.map((r) => ({
      id: r.id,
      integrationName: r.integration.name,
      kind: r.kind,
      status: r.status,
      startedAt: r.startedAt.toISOString(),
      finishedAt: r.finishedAt?.toISOString() ?? null,
      synced: r.contactsSynced + r.ordersSynced + r.productsSynced,
      failed: r.contactsFailed + r.ordersFailed + r.productsFailed,
    })),
  };
}

/** Distinct contacts, live orders and products of the organization (across all its stores). */
export async function organizationTotals(db: Db, organizationId: string) {
  const [contacts, orders, products] = await Promise.all([
    db.contact.count({ where: { organizationId, redactedAt: null } }),
    db.order.count({ where: { organizationId, deletedAt: null } }),
    db.product.count({ where: { organizationId, deletedAt: null } }),
  ]);
  return { contacts, orders, products };
}
