/**
 * Orders as the merchant filters them (by store, financial and fulfillment status), and orders per day per store for
 * the overview chart. Money stays exact: minor units in, decimal strings out.
 */
import type { Prisma } from "@prisma/client";
import { sqlDate } from "../db/sql-date";
import { formatMinorUnits } from "../lib/money";
import type { AppDb } from "../sync/platform";

export interface OrderFilters {
  integrationId?: string | null;
  financialStatus?: string | null;
  fulfillmentStatus?: string | null;
  /** Matches the order number or the customer's email. */
  query?: string | null;
}

export interface OrderRow {
  id: string;
  orderNumber: string;
  integrationId: string;
  storeName: string;
  platform: string;
  email: string | null;
  customerName: string | null;
  financialStatus: string | null;
  fulfillmentStatus: string | null;
  total: string;
  currency: string;
  orderDate: string;
  cancelled: boolean;
}

export interface OrderPage {
  orders: OrderRow[];
  total: number;
  page: number;
  pageSize: number;
  /** Values present in the organization's orders, for the filter choices. */
  facets: {
    stores: Array<{ id: string; name: string }>;
    financialStatuses: string[];
    fulfillmentStatuses: string[];
  };
}

/**
 * Store names as a choice list or a chart legend shows them: two stores of one organization may carry the same name
 * (two WooCommerce sites with one title), so those get their address added ("Acme (https://acme.example)").
 */
export function distinctStoreNames(
  stores: Array<{ id: string; name: string; storeKey: string }>,
): Array<{ id: string; name: string }> {
  const uses = new Map<string, number>();
  for (const s of stores) uses.set(s.name, (uses.get(s.name) ?? 0) + 1);
  return stores.map((s) => ({
    id: s.id,
    name: uses.get(s.name)! > 1 ? `${s.name} (${s.storeKey})` : s.name,
  }));
}

/** The organization's stores, oldest first, named so that each can be told apart. */
export function storeChoices(
  db: AppDb,
  organizationId: string,
): Promise<Array<{ id: string; name: string }>> {
  return db.integration
    .findMany({
      where: { organizationId },
      select: { id: true, name: true, storeKey: true },
      orderBy: { createdAt: "asc" },
    })
    .then(distinctStoreNames);
}

/** Stands for "no fulfillment status" in filters (WooCommerce and unfulfilled Shopify orders have none). */
export const UNFULFILLED = "unfulfilled";

function where(organizationId: string, filters: OrderFilters): Prisma.OrderWhereInput {
  const query = filters.query?.trim();
  return {
    organizationId,
    deletedAt: null,
    ...(filters.integrationId ? { integrationId: filters.integrationId } : {}),
    ...(filters.financialStatus ? { financialStatus: filters.financialStatus } : {}),
    ...(filters.fulfillmentStatus
      ? filters.fulfillmentStatus === UNFULFILLED
        ? { OR: [{ fulfillmentStatus: null }, { fulfillmentStatus: UNFULFILLED }] }
        : { fulfillmentStatus: filters.fulfillmentStatus }
      : {}),
    ...(query
      ? {
          AND: [{ OR: [{ orderNumber: { contains: query } }, { email: { contains: query.toLowerCase() } }] }],
        }
      : {}),
  };
}

/** One page of the organization's orders, newest first. */
export async function listOrders(
  db: AppDb,
  organizationId: string,
  filters: OrderFilters,
  options: { page?: number; pageSize?: number } = {},
): Promise<OrderPage> {
  const pageSize = Math.min(Math.max(options.pageSize ?? 25, 1), 100);
  const page = Math.max(options.page ?? 1, 1);
  const w = where(organizationId, filters);
  const [total, rows, stores, financial, fulfillment] = await Promise.all([
    db.order.count({ where: w }),
    db.order.findMany({
      where: w,
      include: {
        integration: { select: { name: true, platform: true } },
        contact: { select: { firstName: true, lastName: true } },
      },
      orderBy: [{ orderDate: "desc" }, { id: "asc" }],
      skip: (page - 1) * pageSize,
      take: pageSize,
    }),
    storeChoices(db, organizationId),
    db.order.findMany({
      where: { organizationId, deletedAt: null, financialStatus: { not: null } },
      select: { financialStatus: true },
      distinct: ["financialStatus"],
    }),
    db.order.findMany({
      where: { organizationId, deletedAt: null, fulfillmentStatus: { not: null } },
      select: { fulfillmentStatus: true },
      distinct: ["fulfillmentStatus"],
    }),
  ]);
  return {
    orders: rows.map((o) => ({
      id: o.id,
      orderNumber: o.orderNumber,
      integrationId: o.integrationId,
      storeName: o.integration.name,
      platform: o.integration.platform,
      email: o.email,
      customerName: [o.contact?.firstName, o.contact?.lastName].filter(Boolean).join(" ") || null,
      financialStatus: o.financialStatus,
      fulfillmentStatus: o.fulfillmentStatus,
      total: formatMinorUnits(o.totalMinor, o.currency),
      currency: o.currency,
      orderDate: o.orderDate.toISOString(),
      cancelled: o.cancelledAt !== null,
    })),
    total,
    page,
    pageSize,
    facets: {
      stores,
      financialStatuses: financial.map((f) => f.financialStatus as string).sort(),
      fulfillmentStatuses: [
        ...new Set([UNFULFILLED, ...fulfillment.map((f) => f.fulfillmentStatus as string)]),
      ].sort(),
    },
  };
}

export interface OrdersPerDaySeries {
  integrationId: string;
  name: string;
  /** One point per UTC day of the window, oldest first (zero-filled). */
  points: Array<{ day: string; orders: number }>;
}

/**
 * Orders placed per UTC day for each store over the last `days` days (today included). Days without orders are 0,
 * so every series has the same keys.
 */
export async function ordersPerDay(
  db: AppDb,
  organizationId: string,
  options: { days?: number; now?: Date } = {},
): Promise<OrdersPerDaySeries[]> {
  const days = Math.min(Math.max(options.days ?? 30, 1), 366);
  const now = options.now ?? new Date();
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const start = new Date(end - (days - 1) * 86_400_000);
  const keys = Array.from({ length: days }, (_, i) =>
    new Date(start.getTime() + i * 86_400_000).toISOString().slice(0, 10),
  );
  const [stores, rows] = await Promise.all([
    storeChoices(db, organizationId),
    ordersByDay(db, organizationId, start),
  ]);
  const counts = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const perStore = counts.get(row.integrationId) ?? new Map<string, number>();
    perStore.set(row.day, Number(row.orders));
    counts.set(row.integrationId, perStore);
  }
  const series = stores.map((s) => ({
    integrationId: s.id,
    name: s.name,
    points: keys.map((day) => ({ day, orders: counts.get(s.id)?.get(day) ?? 0 })),
  }));
  return withOtherStores(series);
}

/** Lines a chart draws, and stores its caption names, before the smaller stores are drawn as one. */
export const CHART_MAX_SERIES = 6;

/**
 * An organization with many stores gets a readable chart: the stores with the most orders in the window keep their
 * own line and the rest share one ("12 other stores"), instead of a line, a legend entry and a caption entry each.
 */
export function withOtherStores(series: OrdersPerDaySeries[]): OrdersPerDaySeries[] {
  if (series.length <= CHART_MAX_SERIES) return series;
  const total = (s: OrdersPerDaySeries) => s.points.reduce((n, p) => n + p.orders, 0);
  // Most orders first; a stable sort keeps the stores' own order among equals.
  const ranked = [...series].sort((a, b) => total(b) - total(a));
  const kept = ranked.slice(0, CHART_MAX_SERIES - 1);
  const rest = ranked.slice(CHART_MAX_SERIES - 1);
  const other: OrdersPerDaySeries = {
    integrationId: "other",
    name: `${rest.length} other stores`,
    points: rest[0]!.points.map((p, i) => ({
      day: p.day,
      orders: rest.reduce((n, s) => n + s.points[i]!.orders, 0),
    })),
  };
  // The kept stores stay in the page's order of stores.
  return [...series.filter((s) => kept.includes(s)), other];
}

/**
 * Orders per store and UTC day since `start`, counted by the database (a busy shop's month of orders is not read
 * into memory; the overview asks every few seconds while a store syncs). Dates are UTC on both databases: SQLite
 * keeps them as ISO text ("2026-03-09T23:59:59.000+00:00"), PostgreSQL as `timestamp(3)` holding UTC.
 */
function ordersByDay(
  db: AppDb,
  organizationId: string,
  start: Date,
): Promise<Array<{ integrationId: string; day: string; orders: number | bigint }>> {
  const sql =
    db.$kind === "postgres"
      ? `SELECT "integrationId", to_char("orderDate", 'YYYY-MM-DD') AS "day", COUNT(*)::int AS "orders"
           FROM "Order" WHERE "organizationId" = $1 AND "deletedAt" IS NULL AND "orderDate" >= $2::timestamp(3)
          GROUP BY 1, 2`
      : `SELECT "integrationId", substr("orderDate", 1, 10) AS "day", COUNT(*) AS "orders"
           FROM "Order" WHERE "organizationId" = ? AND "deletedAt" IS NULL AND "orderDate" >= ?
          GROUP BY 1, 2`;
  return db.$queryRawUnsafe(sql, organizationId, sqlDate(db.$kind, start));
}
