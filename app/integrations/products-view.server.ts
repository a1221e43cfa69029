/**
 * The product catalogue as the merchant browses it: every store's products, filtered by store and status, searched
 * by title, vendor or a variant's SKU. Prices stay exact: minor units in, decimal strings out, in the product's own
 * currency (never converted).
 */
import type { Prisma } from "@prisma/client";
import { containsIgnoringCase } from "../db/text-filter";
import { formatMinorUnits } from "../lib/money";
import type { AppDb } from "../sync/platform";
import { storeChoices } from "./orders-view.server";

export interface ProductFilters {
  integrationId?: string | null;
  /** The store's own status value ("active", "publish", "draft", …). */
  status?: string | null;
  /** Part of the title, the vendor or a variant's SKU (case-insensitive). */
  query?: string | null;
}

export interface ProductRow {
  id: string;
  title: string;
  integrationId: string;
  storeName: string;
  platform: string;
  status: string;
  vendor: string | null;
  productType: string | null;
  variantCount: number;
  /** The lowest and highest variant price as exact decimal strings; null when the store gave no price. */
  price: { min: string; max: string; currency: string } | null;
  /** SKUs of the first variants (up to three), for telling similar products apart. */
  skus: string[];
  /** When the store last changed the product (UTC). */
  updatedAt: string;
}

export interface ProductPage {
  products: ProductRow[];
  total: number;
  page: number;
  pageSize: number;
  facets: { stores: Array<{ id: string; name: string }>; statuses: string[] };
}

function where(
  organizationId: string,
  kind: AppDb["$kind"],
  filters: ProductFilters,
): Prisma.ProductWhereInput {
  const query = filters.query?.trim();
  return {
    organizationId,
    deletedAt: null,
    ...(filters.integrationId ? { integrationId: filters.integrationId } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(query
      ? {
          OR: [
            { title: containsIgnoringCase(kind, query) as Prisma.StringFilter },
            { vendor: containsIgnoringCase(kind, query) },
            { variants: { some: { sku: containsIgnoringCase(kind, query) } } },
          ],
        }
      : {}),
  };
}

/**
 * One page of the organization's products, the ones the stores changed last first (what a merchant checking a sync
 * looks for). Not A to Z: both databases here compare titles byte by byte, so "hoodie" would sort after "Zip".
 */
export async function listProducts(
  db: AppDb,
  organizationId: string,
  filters: ProductFilters,
  options: { page?: number; pageSize?: number } = {},
): Promise<ProductPage> {
  const pageSize = Math.min(Math.max(options.pageSize ?? 25, 1), 100);
  const page = Math.max(options.page ?? 1, 1);
  const w = where(organizationId, db.$kind, filters);
  const [total, rows, stores, statuses] = await Promise.all([
    db.product.count({ where: w }),
    db.product.findMany({
      where: w,
      include: {
        integration: { select: { name: true, platform: true } },
        variants: { select: { sku: true }, orderBy: { externalId: "asc" }, take: 3 },
        _count: { select: { variants: true } },
      },
      orderBy: [{ externalUpdatedAt: "desc" }, { id: "asc" }],
      skip: (page - 1) * pageSize,
      take: pageSize,
    }),
    storeChoices(db, organizationId),
    db.product.findMany({
      where: { organizationId, deletedAt: null },
      select: { status: true },
      distinct: ["status"],
    }),
  ]);
  return {
    products: rows.map((p) => ({
      id: p.id,
      title: p.title,
      integrationId: p.integrationId,
      storeName: p.integration.name,
      platform: p.integration.platform,
      status: p.status,
      vendor: p.vendor,
      productType: p.productType,
      variantCount: p._count.variants,
      price: priceRange(p.minPriceMinor, p.maxPriceMinor, p.currency),
      skus: p.variants.map((v) => v.sku).filter((sku): sku is string => !!sku),
      updatedAt: p.externalUpdatedAt.toISOString(),
    })),
    total,
    page,
    pageSize,
    facets: { stores, statuses: statuses.map((s) => s.status).sort() },
  };
}

function priceRange(min: bigint | null, max: bigint | null, currency: string | null): ProductRow["price"] {
  if (!currency || (min === null && max === null)) return null;
  const low = min ?? max!;
  const high = max ?? min!;
  return { min: formatMinorUnits(low, currency), max: formatMinorUnits(high, currency), currency };
}
