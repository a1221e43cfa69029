/**
 * Seeded products with 1–5 variants. A product's price and variant count are its first draws, kept in small arrays
 * for every row, so orders price their line items without generating the product.
 */
import { COLORS, PRODUCT_ADJECTIVES, PRODUCT_NOUNS, SIZES, VENDORS, slugify } from "../../shared/names";
import type { EmuProduct, EmuVariant } from "../model";
import { centsToDecimal } from "../store/money";
import type { GeneratedRows } from "../store/table";
import { PRODUCT_TAGS, PRODUCT_TYPES } from "./catalog";
import type { ShopIds } from "./ids";
import { inCreationOrder, rowPrngs, spreadDates } from "./rows";
import type { Prng } from "../../shared/prng";

/** Weights of the seeded distributions (module constants: the generator caches their sums). */
const PRODUCT_STATUSES = { ACTIVE: 85, DRAFT: 10, ARCHIVED: 5 } as const;

export interface ProductSeed {
  seed: number;
  domain: string;
  count: number;
  nowMs: number;
  ids: ShopIds;
}

/** Generated products kept for reuse (a power of two). */
const PRODUCT_CACHE_SIZE = 4096;

/** What an order needs of a seeded product: the base price (cents) and the number of variants. */
export interface ProductPricing {
  basePriceCents: Int32Array;
  variantCount: Uint8Array;
}

/** Price of variant `index` of a product whose base price is `baseCents` (each variant 2.00 more). */
export const variantPriceCents = (baseCents: number, index: number): number => baseCents + index * 200;

function drawPricing(prng: Prng): { basePriceCents: number; variantCount: number } {
  const basePriceCents = prng.int(5, 180) * 100 + prng.pick([0, 50, 95, 99]);
  const variantCount = prng.pick([1, 1, 2, 3, 4, 5]);
  return { basePriceCents, variantCount };
}

/** The seeded products of a shop as generated rows, and their pricing. */
export function productRows(options: ProductSeed): {
  rows: GeneratedRows<EmuProduct>;
  pricing: ProductPricing;
} {
  const prngOf = rowPrngs(options.seed, options.domain, "product");
  const pricing: ProductPricing = {
    basePriceCents: new Int32Array(options.count),
    variantCount: new Uint8Array(options.count),
  };
  const drawnCreated = new Uint32Array(options.count);
  const drawnUpdated = new Uint32Array(options.count);
  for (let row = 0; row < options.count; row++) {
    const prng = prngOf(row);
    const p = drawPricing(prng);
    pricing.basePriceCents[row] = p.basePriceCents;
    pricing.variantCount[row] = p.variantCount;
    const dates = spreadDates(prng, options.nowMs);
    drawnCreated[row] = dates.createdS;
    drawnUpdated[row] = dates.updatedS;
  }
  // Row order (= id order) is creation order, as on Shopify (rows.ts).
  const { createdS, updatedS } = inCreationOrder(drawnCreated, drawnUpdated);
  const ids = options.ids;
  // Orders reach the same products again and again (line items, product and variant fields): keep the last few
  // thousand generated. Records are never mutated, so sharing them is safe.
  const cacheRows = new Int32Array(PRODUCT_CACHE_SIZE).fill(-1);
  const cache: Array<EmuProduct | undefined> = new Array(PRODUCT_CACHE_SIZE);
  const rows: GeneratedRows<EmuProduct> = {
    count: options.count,
    createdS,
    updatedS,
    idOf: (row) => ids.idOf("product", row),
    rowOf: (id) => ids.rowOf("product", id, options.count),
    generate(row) {
      const slot = row & (PRODUCT_CACHE_SIZE - 1);
      if (cacheRows[slot] === row) return cache[slot]!;
      const product = generateProduct(row);
      cacheRows[slot] = row;
      cache[slot] = product;
      return product;
    },
  };
  function generateProduct(row: number): EmuProduct {
    const prng = prngOf(row);
    const { basePriceCents, variantCount } = drawPricing(prng);
    spreadDates(prng, options.nowMs);
    const createdAt = new Date(createdS[row] * 1000);
    const updatedAt = new Date(updatedS[row] * 1000);
    const id = ids.idOf("product", row);
    const title = `${prng.pick(PRODUCT_ADJECTIVES)} ${prng.pick(PRODUCT_NOUNS)}${row >= 100 ? ` ${row}` : ""}`;
    const axis = prng.chance(0.5) ? SIZES : COLORS;
    const variants: EmuVariant[] = [];
    for (let v = 0; v < variantCount; v++) {
      variants.push({
        id: ids.variantId(row, v),
        productId: id,
        title: variantCount === 1 ? "Default Title" : axis[v % axis.length],
        sku: prng.chance(0.9) ? `SKU-${row}-${v}` : null,
        price: centsToDecimal(BigInt(variantPriceCents(basePriceCents, v))),
        compareAtPrice: prng.chance(0.2) ? centsToDecimal(BigInt(basePriceCents + 1000)) : null,
        position: v + 1,
        inventoryQuantity: prng.int(-2, 250),
        createdAt,
        updatedAt,
      });
    }
    return {
      id,
      title,
      handle: slugify(title),
      descriptionHtml: `<p>${title}, made to last.</p>`,
      vendor: prng.pick(VENDORS),
      productType: prng.pick(PRODUCT_TYPES),
      status: prng.weighted(PRODUCT_STATUSES),
      tags: prng.chance(0.5) ? [prng.pick(PRODUCT_TAGS)] : [],
      variants,
      createdAt,
      updatedAt,
      publishedAt: prng.chance(0.9) ? createdAt : null,
    };
  }
  return { rows, pricing };
}
