/**
 * Seeded orders: 1–4 line items, 15% guest orders (no customer, with email), each other order placed by a customer
 * created at or before it (an order older than every customer is a guest's), presentment in six currencies, eight
 * financial statuses, refunds, cancellations, several fulfillment statuses, a sixth in the last 60 days. The draws of
 * row `r` are fixed, so `orderCore` (what totals and counts need) is computed without generating the customer or
 * the products, and `generate` adds their names.
 */
import type { EmuCustomer, EmuLineItem, EmuOrder, EmuProduct, EmuRefund, OrderFacts } from "../model";
import { centsToDecimal } from "../store/money";
import type { GeneratedRows } from "../store/table";
import { CANCEL_REASONS, DAY_MS, ORDER_TAGS } from "./catalog";
import { person } from "./customers";
import type { ShopIds } from "./ids";
import { variantPriceCents, type ProductPricing } from "./products";
import { keyArrays, orderDates, rowPrngs } from "./rows";

/** Weights of the seeded distributions (module constants: the generator caches their sums). */
const LINE_COUNTS = { "1": 45, "2": 30, "3": 15, "4": 10 } as const;
const QUANTITIES = { "1": 70, "2": 20, "3": 7, "5": 3 } as const;
const FINANCIAL_STATUSES = {
  PAID: 62,
  PENDING: 6,
  AUTHORIZED: 6,
  PARTIALLY_PAID: 3,
  PARTIALLY_REFUNDED: 8,
  REFUNDED: 8,
  VOIDED: 5,
  EXPIRED: 2,
} as const;
const FULFILLMENT_STATUSES = {
  FULFILLED: 65,
  UNFULFILLED: 25,
  PARTIALLY_FULFILLED: 6,
  ON_HOLD: 2,
  IN_PROGRESS: 2,
} as const;
const PRESENTMENT_CURRENCIES = { USD: 70, EUR: 10, GBP: 7, CAD: 7, AUD: 4, JPY: 2 } as const;

export interface OrderSeed {
  seed: number;
  domain: string;
  count: number;
  nowMs: number;
  currencyCode: string;
  ids: ShopIds;
  /** The seeded customers' creation times (seconds), one per row, in creation order (rows.ts `keyArrays`). */
  customerCreatedS: Uint32Array;
  productCount: number;
  pricing: ProductPricing;
  customer(row: number): EmuCustomer;
  product(row: number): EmuProduct;
}

/** Everything an order's numbers depend on, as plain values. */
export interface OrderCore {
  createdS: number;
  updatedS: number;
  customerRow: number;
  lines: Array<{ productRow: number; variantIndex: number; quantity: number; priceCents: number }>;
  subtotalCents: number;
  taxCents: number;
  shippingCents: number;
  discountCents: number;
  totalCents: number;
  financialStatus: EmuOrder["financialStatus"];
  refundNote: string | null;
  cancelled: boolean;
  fulfillmentStatus: string;
  presentmentCurrency: string;
  tags: string[];
  note: string | null;
  test: boolean;
  cancelReason: string | null;
}

/** The seeded orders of a shop as generated rows, plus the facts views need (computed on first use). */
export function orderRows(options: OrderSeed): { rows: GeneratedRows<EmuOrder>; facts: () => OrderFacts } {
  const prngOf = rowPrngs(options.seed, options.domain, "order");
  const { createdS, updatedS } = keyArrays(options.count, prngOf, (p) => orderDates(p, options.nowMs));
  const ids = options.ids;
  const customerCreatedS = options.customerCreatedS;
  const customerCount = customerCreatedS.length;

  /**
   * The customer who placed an order created at `orderS`, from one draw `u` in [0, 1): one of the customers created
   * by then, as in a real shop, where a customer exists before their orders. Customer rows are in creation order, so
   * they are a prefix of the rows, found by binary search (no per-order memory, O(log n)). An order older than every
   * customer is a guest's (-1); the draw is taken either way, so the row's later draws do not move.
   */
  function customerAt(orderS: number, u: number): number {
    let lo = 0;
    let hi = customerCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (customerCreatedS[mid]! <= orderS) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? -1 : Math.floor(u * lo);
  }

  function orderCore(row: number): OrderCore {
    const prng = prngOf(row);
    orderDates(prng, options.nowMs); // the dates are in the key arrays (in creation order); keep the draw order
    const guest = customerCount === 0 || prng.chance(0.15);
    const customerRow = guest ? -1 : customerAt(createdS[row]!, prng.next());
    const lineCount = options.productCount === 0 ? 1 : Number(prng.weighted(LINE_COUNTS));
    const lines: OrderCore["lines"] = [];
    let subtotalCents = 0;
    for (let l = 0; l < lineCount; l++) {
      const productRow = options.productCount > 0 ? prng.int(0, options.productCount - 1) : -1;
      const variantIndex = productRow >= 0 ? prng.int(0, options.pricing.variantCount[productRow] - 1) : -1;
      const quantity = Number(prng.weighted(QUANTITIES));
      const priceCents =
        productRow >= 0 ? variantPriceCents(options.pricing.basePriceCents[productRow], variantIndex) : 2500;
      subtotalCents += priceCents * quantity;
      lines.push({ productRow, variantIndex, quantity, priceCents });
    }
    const taxCents = Math.floor((subtotalCents * 13) / 100);
    const shippingCents = subtotalCents > 10000 ? 0 : 800;
    const discountCents = prng.chance(0.15) ? Math.floor(subtotalCents / 10) : 0;
    const totalCents = subtotalCents + taxCents + shippingCents - discountCents;
    const financialStatus = prng.weighted(FINANCIAL_STATUSES);
    const refunded = financialStatus === "REFUNDED" || financialStatus === "PARTIALLY_REFUNDED";
    const refundNote = refunded && prng.chance(0.5) ? "Item arrived damaged" : null;
    const cancelled = financialStatus === "VOIDED" || (financialStatus === "REFUNDED" && prng.chance(0.3));
    const fulfillmentStatus = cancelled ? "UNFULFILLED" : prng.weighted(FULFILLMENT_STATUSES);
    const presentmentCurrency = prng.weighted(PRESENTMENT_CURRENCIES);
    // No spread here: spreading into a literal this size makes V8 build a slow dictionary object.
    return {
      createdS: createdS[row]!,
      updatedS: updatedS[row]!,
      customerRow,
      lines,
      subtotalCents,
      taxCents,
      shippingCents,
      discountCents,
      totalCents,
      financialStatus,
      refundNote,
      cancelled,
      fulfillmentStatus,
      presentmentCurrency,
      tags: prng.chance(0.2) ? [prng.pick(ORDER_TAGS)] : [],
      note: prng.chance(0.05) ? "Leave at the back door." : null,
      test: prng.chance(0.01),
      cancelReason: cancelled ? prng.pick(CANCEL_REASONS) : null,
    };
  }

  function generate(row: number): EmuOrder {
    const core = orderCore(row);
    const createdAt = new Date(core.createdS * 1000);
    const updatedAt = new Date(core.updatedS * 1000);
    const customer = core.customerRow >= 0 ? options.customer(core.customerRow) : null;
    const lineItems: EmuLineItem[] = core.lines.map((line, l) => {
      const product = line.productRow >= 0 ? options.product(line.productRow) : null;
      const variant = product ? product.variants[line.variantIndex] : null;
      return {
        id: ids.lineItemId(row, l),
        title: product ? product.title : "Custom item",
        variantTitle: variant && variant.title !== "Default Title" ? variant.title : null,
        sku: variant ? variant.sku : null,
        quantity: line.quantity,
        price: centsToDecimal(BigInt(line.priceCents)),
        productId: product ? product.id : null,
        variantId: variant ? variant.id : null,
        vendor: product ? product.vendor : null,
      };
    });
    const refunds: EmuRefund[] = [];
    if (core.financialStatus === "REFUNDED" || core.financialStatus === "PARTIALLY_REFUNDED") {
      const refundCents =
        core.financialStatus === "REFUNDED" ? core.totalCents : Math.floor(core.totalCents / 3);
      const refundMs = Math.min(core.updatedS * 1000, core.createdS * 1000 + 5 * DAY_MS);
      refunds.push({
        id: ids.refundId(row),
        createdAt: new Date(refundMs),
        amount: centsToDecimal(BigInt(refundCents)),
        note: core.refundNote,
      });
    }
    const number = 1001 + row;
    const closed = core.fulfillmentStatus === "FULFILLED" && core.financialStatus === "PAID";
    return {
      id: ids.idOf("order", row),
      name: `#${number}`,
      number,
      email: customer ? customer.email : person(options.seed, 5_000_000 + row).email,
      phone: customer?.phone ?? null,
      customerId: customer ? customer.id : null,
      currency: options.currencyCode,
      presentmentCurrency: core.presentmentCurrency,
      subtotalPrice: centsToDecimal(BigInt(core.subtotalCents)),
      totalTax: centsToDecimal(BigInt(core.taxCents)),
      totalShipping: centsToDecimal(BigInt(core.shippingCents)),
      totalDiscounts: centsToDecimal(BigInt(core.discountCents)),
      totalPrice: centsToDecimal(BigInt(core.totalCents)),
      financialStatus: core.financialStatus,
      fulfillmentStatus: core.fulfillmentStatus,
      tags: core.tags,
      note: core.note,
      lineItems,
      refunds,
      test: core.test,
      cancelledAt: core.cancelled ? updatedAt : null,
      cancelReason: core.cancelReason,
      closedAt: closed ? updatedAt : null,
      processedAt: createdAt,
      createdAt,
      updatedAt,
    };
  }

  let facts: OrderFacts | null = null;
  return {
    rows: {
      count: options.count,
      createdS,
      updatedS,
      idOf: (row) => ids.idOf("order", row),
      rowOf: (id) => ids.rowOf("order", id, options.count),
      generate,
    },
    facts() {
      if (!facts) {
        const customerRow = new Int32Array(options.count);
        const totalCents = new Float64Array(options.count);
        const cancelled = new Uint8Array(options.count);
        for (let row = 0; row < options.count; row++) {
          const core = orderCore(row);
          customerRow[row] = core.customerRow;
          totalCents[row] = core.totalCents;
          cancelled[row] = core.cancelled ? 1 : 0;
        }
        facts = { customerRow, totalCents, cancelled };
      }
      return facts;
    },
  };
}
