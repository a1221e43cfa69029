/**
 * Products and their variants, keyed by (integration, external id); variants no longer listed on an updated product
 * are removed. Newest wins (`excluded.externalUpdatedAt >= current`). Runs inside the caller's transaction and
 * throws on failure.
 */
import { orderedId } from "../../db/ordered-id";
import { executeIn, insertRows, selectIn, type Column, type SqlExecutor } from "../sql.server";
import type { ProductRecord } from "../types";
import { sqlDate } from "../../db/sql-date";
import { newestByKey, revivalGuard, type WriteContext } from "./context";

/** Product columns, in the order the writer binds them (bench/ reuses them). */
export const PRODUCT_COLUMNS: Column[] = [
  { name: "id", type: "text" },
  { name: "organizationId", type: "text" },
  { name: "integrationId", type: "text" },
  { name: "externalId", type: "text" },
  { name: "title", type: "text" },
  { name: "status", type: "text" },
  { name: "vendor", type: "text" },
  { name: "productType", type: "text" },
  { name: "handle", type: "text" },
  { name: "currency", type: "text" },
  { name: "minPriceMinor", type: "bigint" },
  { name: "maxPriceMinor", type: "bigint" },
  { name: "externalUpdatedAt", type: "timestamp" },
  { name: "createdAt", type: "timestamp" },
  { name: "updatedAt", type: "timestamp" },
];

/** ProductVariant columns, in the order the writer binds them. */
export const PRODUCT_VARIANT_COLUMNS: Column[] = [
  { name: "id", type: "text" },
  { name: "productId", type: "text" },
  { name: "integrationId", type: "text" },
  { name: "externalId", type: "text" },
  { name: "title", type: "text" },
  { name: "sku", type: "text" },
  { name: "priceMinor", type: "bigint" },
  { name: "externalUpdatedAt", type: "timestamp" },
];

/**
 * A `Product` row in PRODUCT_COLUMNS order, dates already in the dialect's form (also used by the ingest benchmark's
 * floors).
 */
export function productRow(
  ctx: Pick<WriteContext, "organizationId" | "integrationId">,
  p: ProductRecord,
  externalUpdatedAt: unknown,
  now: unknown,
): unknown[] {
  return [
    orderedId(),
    ctx.organizationId,
    ctx.integrationId,
    p.externalId,
    p.title,
    p.status,
    p.vendor,
    p.productType,
    p.handle,
    p.currency,
    p.minPriceMinor,
    p.maxPriceMinor,
    externalUpdatedAt,
    now,
    now,
  ];
}

/**
 * A `ProductVariant` row in PRODUCT_VARIANT_COLUMNS order, its date already in the dialect's form (also used by the
 * ingest benchmark's floors).
 */
export function variantRow(
  ctx: Pick<WriteContext, "integrationId">,
  productId: string,
  v: ProductRecord["variants"][number],
  externalUpdatedAt: unknown,
): unknown[] {
  return [
    orderedId(),
    productId,
    ctx.integrationId,
    v.externalId,
    v.title,
    v.sku,
    v.priceMinor,
    externalUpdatedAt,
  ];
}

/** Upserts one page of products with their variants (variants no longer listed are removed). */
export async function writeProducts(
  tx: SqlExecutor,
  ctx: WriteContext,
  input: ProductRecord[],
): Promise<void> {
  if (input.length === 0) return;
  const { dialect } = ctx;
  const products = newestByKey(
    input,
    (r) => r.externalId,
    (r) => r.externalUpdatedAt,
  );
  const now = sqlDate(dialect.kind, ctx.now);
  const rows = products.map((p) => productRow(ctx, p, sqlDate(dialect.kind, p.externalUpdatedAt), now));
  const updatable = PRODUCT_COLUMNS.map((c) => c.name).filter(
    (n) => !["id", "organizationId", "integrationId", "externalId", "createdAt"].includes(n),
  );
  const written = await insertRows<{ id: string; externalId: string }>(
    tx,
    dialect,
    "Product",
    PRODUCT_COLUMNS,
    rows,
    `ON CONFLICT ("integrationId", "externalId") DO UPDATE SET
       ${updatable.map((n) => `"${n}" = excluded."${n}"`).join(", ")}, "deletedAt" = NULL
     WHERE excluded."externalUpdatedAt" >= "Product"."externalUpdatedAt"${revivalGuard(ctx, "Product")}`,
    `"id", "externalId"`,
  );
  if (written.length === 0) return;
  const idByExternal = new Map(written.map((w) => [w.externalId, w.id]));
  const variants: unknown[][] = [];
  const keep: string[] = [];
  for (const product of products) {
    const productId = idByExternal.get(product.externalId);
    if (!productId) continue;
    for (const v of newestByKey(
      product.variants,
      (x) => x.externalId,
      (x) => x.externalUpdatedAt,
    )) {
      keep.push(v.externalId);
      const updatedAt = sqlDate(dialect.kind, v.externalUpdatedAt ?? product.externalUpdatedAt);
      variants.push(variantRow(ctx, productId, v, updatedAt));
    }
  }
  // Variants dropped from a product we just updated are gone on the platform too.
  // Only products that existed before this page can have variants to drop (an inserted product came back with the
  // id generated for it here; an update keeps the existing id).
  const newIds = new Set(rows.map((r) => r[0] as string));
  const productIds = written.filter((w) => !newIds.has(w.id)).map((w) => w.id);
  const keepSet = new Set(keep);
  const existing = await selectIn<{ id: string; externalId: string }>(
    tx,
    dialect,
    [],
    productIds,
    (_, inList) => `SELECT "id", "externalId" FROM "ProductVariant" WHERE ${inList('"productId"')}`,
  );
  const stale = existing.filter((v) => !keepSet.has(v.externalId)).map((v) => v.id);
  await executeIn(
    tx,
    dialect,
    [],
    stale,
    (_, inList) => `DELETE FROM "ProductVariant" WHERE ${inList('"id"')}`,
  );
  await insertRows(
    tx,
    dialect,
    "ProductVariant",
    PRODUCT_VARIANT_COLUMNS,
    variants,
    `ON CONFLICT ("integrationId", "externalId") DO UPDATE SET
       "productId" = excluded."productId", "title" = excluded."title", "sku" = excluded."sku",
       "priceMinor" = excluded."priceMinor", "externalUpdatedAt" = excluded."externalUpdatedAt"`,
  );
}
