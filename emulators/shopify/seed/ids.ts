/**
 * Where a shop's ids live, so a seeded record's id is a function of its row and the other way round (nothing is
 * stored per record). Ordinary ids have 13 digits like today's Shopify ids: each shop has a block, each kind a range
 * in it. Every 500th customer, order and product (starting with row 7) gets an id above 2^53 instead, so clients
 * must keep ids exact. Records created later take ids from `CREATED_OFFSET` on (`shop.nextId`).
 */
const ID_BASE = 7_000_000_000_000n;
const SHOP_BLOCK = 10_000_000_000n;
/** 2^53 + 1: the first integer a double cannot hold exactly. */
export const BIG_ID_BASE = 9_007_199_254_740_993n;

export type SeededKind = "customer" | "product" | "order";

const OFFSETS = {
  customer: 0n,
  product: 1_000_000_000n,
  variant: 2_000_000_000n,
  order: 3_000_000_000n,
  lineItem: 4_000_000_000n,
  refund: 5_000_000_000n,
} as const;
export const CREATED_OFFSET = 6_000_000_000n;
const BIG_KIND_OFFSET: Record<SeededKind, bigint> = {
  customer: 0n,
  product: 100_000_000n,
  order: 200_000_000n,
};
/** Per seeded product: up to this many variant ids. Per seeded order: this many line item ids. */
export const VARIANT_SLOTS = 8;
export const LINE_ITEM_SLOTS = 4;

/** The id layout of one shop. */
export class ShopIds {
  readonly base: bigint;
  private readonly bigBase: bigint;

  constructor(readonly shopIndex: number) {
    this.base = ID_BASE + BigInt(shopIndex) * SHOP_BLOCK;
    this.bigBase = BIG_ID_BASE + BigInt(shopIndex) * 1_000_000_000n;
  }

  /** Whether seeded row `row` gets an id above 2^53. */
  static isBig(row: number): boolean {
    return row % 500 === 7;
  }

  idOf(kind: SeededKind, row: number): bigint {
    if (ShopIds.isBig(row)) return this.bigBase + BIG_KIND_OFFSET[kind] + BigInt((row - 7) / 500);
    return this.base + OFFSETS[kind] + BigInt(row);
  }

  /** The seeded row of `kind` with this id, or -1 (`count` = number of seeded rows). */
  rowOf(kind: SeededKind, id: bigint, count: number): number {
    let row: number;
    if (id >= BIG_ID_BASE) {
      const offset = id - this.bigBase - BIG_KIND_OFFSET[kind];
      if (offset < 0n || offset >= 100_000_000n) return -1;
      row = Number(offset) * 500 + 7;
    } else {
      const offset = id - this.base - OFFSETS[kind];
      if (offset < 0n || offset >= 1_000_000_000n) return -1;
      row = Number(offset);
      if (ShopIds.isBig(row)) return -1;
    }
    return row < count ? row : -1;
  }

  variantId(productRow: number, index: number): bigint {
    return this.base + OFFSETS.variant + BigInt(productRow * VARIANT_SLOTS + index);
  }

  /** The seeded product row and variant index of a variant id, or null. */
  variantSlot(id: bigint, productCount: number): { productRow: number; index: number } | null {
    const offset = id - this.base - OFFSETS.variant;
    if (offset < 0n || offset >= BigInt(productCount * VARIANT_SLOTS)) return null;
    const n = Number(offset);
    return { productRow: Math.floor(n / VARIANT_SLOTS), index: n % VARIANT_SLOTS };
  }

  lineItemId(orderRow: number, index: number): bigint {
    return this.base + OFFSETS.lineItem + BigInt(orderRow * LINE_ITEM_SLOTS + index);
  }

  refundId(orderRow: number): bigint {
    return this.base + OFFSETS.refund + BigInt(orderRow);
  }

  /** The first id for records created after seeding. */
  get firstCreatedId(): bigint {
    return this.base + CREATED_OFFSET;
  }
}
