/**
 * Contacts as the merchant searches them, with the cross-store profile: consent, the stores each contact comes from,
 * orders count and total spent across stores. Money is summed exactly in minor units per currency and returned as
 * decimal strings, never converted between currencies.
 */
import type { Prisma } from "@prisma/client";
import { containsIgnoringCase } from "../db/text-filter";
import { formatMinorUnits } from "../lib/money";
import type { AppDb } from "../sync/platform";

export interface MoneyTotal {
  currency: string;
  /** Exact decimal string, e.g. "1234.50". */
  amount: string;
  minor: string;
}

export interface ContactStore {
  integrationId: string;
  platform: string;
  name: string;
  /** The store's customer id ("guest:<email>" for guest checkouts). */
  externalId: string;
}

export interface ContactProfile {
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  marketingState: string;
  marketingOptInLevel: string | null;
  marketingUpdatedAt: string | null;
  stores: ContactStore[];
  ordersCount: number;
  /** One entry per currency the contact paid in, largest first. */
  totalSpent: MoneyTotal[];
  lastOrderAt: string | null;
}

export interface ContactSearchPage {
  contacts: ContactProfile[];
  total: number;
  page: number;
  pageSize: number;
}

/**
 * A contact's store links as pages and the API show them: live ones only (a customer the store deleted leaves a
 * tombstone, ADR 0044), oldest first.
 */
const LIVE_SOURCES = {
  where: { deletedAt: null },
  include: { integration: true },
  orderBy: { createdAt: "asc" },
} satisfies Prisma.Contact$sourcesArgs;

/** Every word must appear in the email, the first name or the last name ("jane doe", "@example.com"). */
function searchWhere(db: AppDb, organizationId: string, query: string): Prisma.ContactWhereInput {
  const words = query.trim().split(/\s+/).filter(Boolean).slice(0, 5);
  return {
    organizationId,
    redactedAt: null,
    AND: words.map((word) => ({
      OR: [
        { email: containsIgnoringCase(db.$kind, word) },
        { firstName: containsIgnoringCase(db.$kind, word) },
        { lastName: containsIgnoringCase(db.$kind, word) },
      ],
    })),
  };
}

/** Order count, exact totals per currency and the newest order date of each contact. */
export async function orderTotalsFor(db: AppDb, contactIds: string[]) {
  const result = new Map<
    string,
    { ordersCount: number; totalSpent: MoneyTotal[]; lastOrderAt: string | null }
  >();
  if (contactIds.length === 0) return result;
  const groups = await db.order.groupBy({
    by: ["contactId", "currency"],
    where: { contactId: { in: contactIds }, deletedAt: null },
    _count: { _all: true },
    _max: { orderDate: true },
  });
  // Cancelled orders count as orders but not as money spent.
  const spent = await db.order.groupBy({
    by: ["contactId", "currency"],
    where: { contactId: { in: contactIds }, deletedAt: null, cancelledAt: null },
    _sum: { totalMinor: true },
  });
  for (const g of groups) {
    const id = g.contactId as string;
    const entry = result.get(id) ?? { ordersCount: 0, totalSpent: [], lastOrderAt: null };
    entry.ordersCount += g._count._all;
    const last = g._max.orderDate?.toISOString() ?? null;
    if (last && (!entry.lastOrderAt || last > entry.lastOrderAt)) entry.lastOrderAt = last;
    result.set(id, entry);
  }
  for (const s of spent) {
    const entry = result.get(s.contactId as string);
    if (!entry) continue;
    const minor = BigInt(s._sum.totalMinor ?? 0n);
    entry.totalSpent.push({
      currency: s.currency,
      amount: formatMinorUnits(minor, s.currency),
      minor: minor.toString(),
    });
  }
  for (const entry of result.values())
    entry.totalSpent.sort((a, b) =>
      BigInt(b.minor) > BigInt(a.minor) ? 1 : BigInt(b.minor) < BigInt(a.minor) ? -1 : 0,
    );
  return result;
}

async function profiles(
  db: AppDb,
  rows: Array<Prisma.ContactGetPayload<{ include: { sources: { include: { integration: true } } } }>>,
) {
  const totals = await orderTotalsFor(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((c): ContactProfile => {
    const t = totals.get(c.id);
    return {
      id: c.id,
      email: c.email,
      firstName: c.firstName,
      lastName: c.lastName,
      phone: c.phone,
      marketingState: c.marketingState,
      marketingOptInLevel: c.marketingOptInLevel,
      marketingUpdatedAt: c.marketingUpdatedAt?.toISOString() ?? null,
      stores: c.sources.map((s) => ({
        integrationId: s.integrationId,
        platform: s.integration.platform,
        name: s.integration.name,
        externalId: s.externalId,
      })),
      ordersCount: t?.ordersCount ?? 0,
      totalSpent: t?.totalSpent ?? [],
      lastOrderAt: t?.lastOrderAt ?? null,
    };
  });
}

/** Contacts of the organization matching `query` (all when empty), newest first, one page at a time. */
export async function searchContacts(
  db: AppDb,
  organizationId: string,
  options: { query?: string; page?: number; pageSize?: number } = {},
): Promise<ContactSearchPage> {
  const pageSize = Math.min(Math.max(options.pageSize ?? 25, 1), 100);
  const page = Math.max(options.page ?? 1, 1);
  const where = searchWhere(db, organizationId, options.query ?? "");
  const [total, rows] = await Promise.all([
    db.contact.count({ where }),
    db.contact.findMany({
      where,
      include: { sources: LIVE_SOURCES },
      orderBy: [{ updatedAt: "desc" }, { id: "asc" }],
      skip: (page - 1) * pageSize,
      take: pageSize,
    }),
  ]);
  return { contacts: await profiles(db, rows), total, page, pageSize };
}

/**
 * The cross-store profile of the contact a store knows by `externalId` (the admin block: Shopify's customer id).
 * Null when the store has not synced that customer yet, or deleted it.
 */
export async function profileForStoreCustomer(
  db: AppDb,
  input: { integrationId: string; externalIds: string[] },
): Promise<ContactProfile | null> {
  const source = await db.contactSource.findFirst({
    where: { integrationId: input.integrationId, externalId: { in: input.externalIds }, deletedAt: null },
    select: { contactId: true },
  });
  if (!source) return null;
  const rows = await db.contact.findMany({
    where: { id: source.contactId, redactedAt: null },
    include: { sources: LIVE_SOURCES },
  });
  return (await profiles(db, rows))[0] ?? null;
}
