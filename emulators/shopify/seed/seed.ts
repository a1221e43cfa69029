/**
 * Deterministic seed data. A shop is a pure function of (seed, domain, counts, now): realistic names, emails drawn
 * from a pool shared by all shops of one seed (so the same person shops in several stores), guest orders,
 * multi-currency presentment, every email consent state, variants, refunds, mixed financial and fulfillment
 * statuses, updatedAt spread over ~2 years, and every 500th record with an id above 2^53. Objects are kept lean so 100,000 customers
 * + 100,000 orders generate in seconds.
 */
import type {
  EmuAddress,
  EmuCustomer,
  EmuLineItem,
  EmuMarketingConsent,
  EmuOrder,
  EmuProduct,
  EmuRefund,
  EmuShop,
  EmuVariant,
} from "../model";
import { createPrng, hashSeed, type Prng } from "../../shared/prng";
import { centsToDecimal, decimalToCents, touch } from "./store";

export interface SeedShopOptions {
  domain: string;
  seed: number;
  customers: number;
  orders: number;
  products: number;
  /** Reference "now": generated timestamps lie in the two years before it. */
  now: Date;
  plan?: EmuShop["plan"];
  currencyCode?: string;
}

const FIRST_NAMES = [
  "Olivia",
  "Liam",
  "Emma",
  "Noah",
  "Amelia",
  "Oliver",
  "Sophia",
  "Elijah",
  "Mia",
  "Lucas",
  "Charlotte",
  "Mateo",
  "Ava",
  "Hugo",
  "Léa",
  "Jonas",
  "Zoë",
  "Aarav",
  "Priya",
  "Chen",
  "Mei",
  "Hiroshi",
  "Yuki",
  "Fatima",
  "Omar",
  "Amara",
  "Kwame",
  "Sofía",
  "Diego",
  "Camila",
  "Lars",
  "Ingrid",
  "Mateusz",
  "Zofia",
  "Giulia",
  "Marco",
  "Anaïs",
  "Björn",
  "Siobhan",
  "Declan",
  "Nia",
  "Tariq",
  "Ana",
  "João",
  "Élodie",
  "Rafael",
  "Isla",
  "Finn",
  "Maya",
  "Ethan",
];
const LAST_NAMES = [
  "Smith",
  "Johnson",
  "Williams",
  "Brown",
  "Garcia",
  "Miller",
  "Davis",
  "Martinez",
  "Lopez",
  "Wilson",
  "Anderson",
  "Thomas",
  "Moore",
  "Martin",
  "Lee",
  "Thompson",
  "White",
  "Harris",
  "Clark",
  "Lewis",
  "Müller",
  "Schmidt",
  "Dubois",
  "Lefèvre",
  "Rossi",
  "Bianchi",
  "Nowak",
  "Kowalski",
  "Jansen",
  "de Vries",
  "Nakamura",
  "Tanaka",
  "Kim",
  "Park",
  "Nguyen",
  "Singh",
  "Patel",
  "Okafor",
  "Mensah",
  "O'Brien",
  "Murphy",
  "Andersson",
  "Johansson",
  "Silva",
  "Santos",
  "Fernández",
  "González",
  "Novak",
  "Horvat",
  "Yilmaz",
];
const EMAIL_DOMAINS = ["example.com", "example.net", "example.org", "mail.example.com", "shop.example.net"];
const CITIES: Array<[string, string, string, string, string]> = [
  ["Ottawa", "Ontario", "ON", "Canada", "CA"],
  ["Toronto", "Ontario", "ON", "Canada", "CA"],
  ["New York", "New York", "NY", "United States", "US"],
  ["Austin", "Texas", "TX", "United States", "US"],
  ["Portland", "Oregon", "OR", "United States", "US"],
  ["London", "England", "ENG", "United Kingdom", "GB"],
  ["Berlin", "Berlin", "BE", "Germany", "DE"],
  ["Paris", "Île-de-France", "IDF", "France", "FR"],
  ["Sydney", "New South Wales", "NSW", "Australia", "AU"],
  ["Tokyo", "Tokyo", "JP-13", "Japan", "JP"],
];
const PRODUCT_WORDS = [
  "Linen",
  "Wool",
  "Canvas",
  "Cedar",
  "Ceramic",
  "Organic",
  "Vintage",
  "Alpine",
  "Coastal",
  "Copper",
];
const PRODUCT_NOUNS = [
  "Tote",
  "Mug",
  "Scarf",
  "Candle",
  "Notebook",
  "Beanie",
  "Apron",
  "Planter",
  "Blanket",
  "Backpack",
];
const VENDORS = ["Northwind Goods", "Maple & Co", "Harbor Supply", "Atelier Nord", "Kiln Studio"];
const SIZES = ["XS", "S", "M", "L", "XL"];
const COLORS = ["Black", "Green", "Sand", "Navy", "Rust"];
/** Presentment currencies with a fixed rate to the shop currency (presentment = shop × rate). */
export const PRESENTMENT_RATES: Record<string, number> = {
  USD: 1,
  EUR: 0.92,
  GBP: 0.79,
  CAD: 1.36,
  AUD: 1.52,
  JPY: 151,
};
/** Currencies without minor units. */
export const ZERO_DECIMAL_CURRENCIES = new Set(["JPY"]);

const DAY_MS = 86_400_000;
const TWO_YEARS_MS = 730 * DAY_MS;
/** Ids of ordinary objects start here (13 digits, like today's Shopify ids); big ids live above 2^53. */
const ID_BASE = 7_000_000_000_000n;
const BIG_ID_BASE = 9_007_199_254_740_993n; // 2^53 + 1

/** The shared person pool: index → identity. Shops of one seed draw from it, which creates cross-shop duplicates. */
function person(seed: number, index: number): { firstName: string; lastName: string; email: string } {
  const prng = createPrng(hashSeed(seed, "person", index));
  const firstName = prng.pick(FIRST_NAMES);
  const lastName = prng.pick(LAST_NAMES);
  const local = `${firstName}.${lastName}`
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z.]/g, "")
    .toLowerCase();
  return { firstName, lastName, email: `${local}${index}@${prng.pick(EMAIL_DOMAINS)}` };
}

function consent(prng: Prng, updatedAt: Date): EmuMarketingConsent {
  const marketingState = prng.weighted({
    NOT_SUBSCRIBED: 40,
    SUBSCRIBED: 35,
    UNSUBSCRIBED: 12,
    PENDING: 8,
    INVALID: 5,
  } as const);
  return {
    marketingState,
    marketingOptInLevel:
      marketingState === "NOT_SUBSCRIBED"
        ? null
        : prng.weighted({ SINGLE_OPT_IN: 60, CONFIRMED_OPT_IN: 30, UNKNOWN: 10 } as const),
    marketingUpdatedAt: marketingState === "NOT_SUBSCRIBED" ? null : updatedAt,
  };
}

function spreadDates(prng: Prng, now: Date): { createdAt: Date; updatedAt: Date } {
  const createdMs = now.getTime() - Math.floor(prng.next() * TWO_YEARS_MS);
  // Updated between creation and now, biased towards creation (most records are not touched again).
  const span = now.getTime() - createdMs;
  const updatedMs = createdMs + Math.floor(span * prng.next() * prng.next());
  return {
    createdAt: new Date(createdMs - (createdMs % 1000)),
    updatedAt: new Date(updatedMs - (updatedMs % 1000)),
  };
}

/** Creates an empty shop (no records). */
export function createEmptyShop(
  domain: string,
  seed: number,
  options: Partial<Pick<EmuShop, "plan" | "currencyCode">> = {},
): EmuShop {
  const handle = domain.replace(/\.myshopify\.com$/, "");
  const shopIndex = hashSeed(seed, domain) % 1000;
  return {
    domain,
    id: 60_000_000_000n + BigInt(shopIndex),
    name: handle
      .split(/[-_.]/)
      .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
      .join(" "),
    email: `owner@${handle}.example.com`,
    currencyCode: options.currencyCode ?? "USD",
    ianaTimezone: "America/New_York",
    plan: options.plan ?? "Standard",
    customers: new Map(),
    orders: new Map(),
    products: new Map(),
    webhookSubscriptions: new Map(),
    installed: true,
    nextId: ID_BASE + BigInt(shopIndex) * 1_000_000_000n,
  };
}

/**
 * Generates a complete shop. `poolOffset` shifts which part of the shared person pool the shop starts at: shops
 * after the first reuse about a fifth of the first shop's people.
 */
export function seedShop(options: SeedShopOptions, poolOffset = 0): EmuShop {
  const shop = createEmptyShop(options.domain, options.seed, options);
  const prng = createPrng(hashSeed(options.seed, options.domain));
  const now = options.now;
  let bigIds = 0n;
  /** Every 500th customer, order and product (starting at the 8th) gets an id above 2^53. */
  const allocate = (index = -1): bigint => {
    if (index % 500 === 7)
      return BIG_ID_BASE + BigInt(hashSeed(options.domain) % 1000) * 1_000_000n + bigIds++;
    const id = shop.nextId;
    shop.nextId += 1n;
    return id;
  };

  // Products and variants first: orders reference them.
  const products: EmuProduct[] = [];
  for (let i = 0; i < options.products; i++) {
    const { createdAt, updatedAt } = spreadDates(prng, now);
    const title = `${prng.pick(PRODUCT_WORDS)} ${prng.pick(PRODUCT_NOUNS)}${i >= 100 ? ` ${i}` : ""}`;
    const id = allocate(i);
    const basePriceCents = prng.int(5, 180) * 100 + prng.pick([0, 50, 95, 99]);
    const variantCount = prng.pick([1, 1, 2, 3, 4, 5]);
    const variants: EmuVariant[] = [];
    const axis = prng.chance(0.5) ? SIZES : COLORS;
    for (let v = 0; v < variantCount; v++) {
      const variantTitle = variantCount === 1 ? "Default Title" : axis[v % axis.length];
      variants.push({
        id: allocate(),
        productId: id,
        title: variantTitle,
        sku: prng.chance(0.9) ? `SKU-${i}-${v}` : null,
        price: centsToDecimal(BigInt(basePriceCents + v * 200)),
        compareAtPrice: prng.chance(0.2) ? centsToDecimal(BigInt(basePriceCents + 1000)) : null,
        position: v + 1,
        inventoryQuantity: prng.int(-2, 250),
        createdAt,
        updatedAt,
      });
    }
    const product: EmuProduct = {
      id,
      title,
      handle: title.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
      descriptionHtml: `<p>${title}, made to last.</p>`,
      vendor: prng.pick(VENDORS),
      productType: prng.pick(["Accessories", "Home", "Apparel", "Stationery"]),
      status: prng.weighted({ ACTIVE: 85, DRAFT: 10, ARCHIVED: 5 } as const),
      tags: prng.chance(0.5) ? [prng.pick(["new", "sale", "bestseller", "eco"])] : [],
      variants,
      createdAt,
      updatedAt,
      publishedAt: prng.chance(0.9) ? createdAt : null,
    };
    products.push(product);
    shop.products.set(id, product);
  }

  const customers: EmuCustomer[] = [];
  for (let i = 0; i < options.customers; i++) {
    // Shops after the first take every fifth person from the start of the pool (shared with the first shop).
    const poolIndex = poolOffset > 0 && i % 5 === 0 ? i : poolOffset + i;
    const who = person(options.seed, poolIndex);
    const { createdAt, updatedAt } = spreadDates(prng, now);
    const hasEmail = prng.chance(0.97);
    const hasPhone = !hasEmail || prng.chance(0.4);
    const phone = hasPhone ? `+1613555${String(1000 + (i % 9000)).padStart(4, "0")}` : null;
    const [city, province, provinceCode, country, countryCode] = prng.pick(CITIES);
    const address: EmuAddress | null = prng.chance(0.8)
      ? {
          firstName: who.firstName,
          lastName: who.lastName,
          address1: `${prng.int(1, 999)} ${prng.pick(["Main", "Elm", "King", "Queen", "Harbour"])} Street`,
          city,
          province,
          provinceCode,
          country,
          countryCode,
          zip: String(prng.int(10000, 99999)),
          phone,
        }
      : null;
    const customer: EmuCustomer = {
      id: allocate(i),
      firstName: who.firstName,
      lastName: prng.chance(0.02) ? null : who.lastName,
      email: hasEmail ? who.email : null,
      phone,
      tags: prng.chance(0.3) ? [prng.pick(["vip", "wholesale", "newsletter", "returning"])] : [],
      note: prng.chance(0.05) ? "Prefers email contact." : null,
      state: prng.weighted({ ENABLED: 30, DISABLED: 60, INVITED: 8, DECLINED: 2 } as const),
      verifiedEmail: hasEmail && prng.chance(0.9),
      emailConsent: hasEmail ? consent(prng, updatedAt) : null,
      defaultAddress: address,
      currency: shop.currencyCode,
      createdAt,
      updatedAt,
    };
    customers.push(customer);
    shop.customers.set(customer.id, customer);
  }

  for (let i = 0; i < options.orders; i++) {
    const order = generateOrder(shop, prng, i, customers, products, options, allocate);
    shop.orders.set(order.id, order);
  }
  touch(shop.customers);
  touch(shop.orders);
  touch(shop.products);
  return shop;
}

function generateOrder(
  shop: EmuShop,
  prng: Prng,
  index: number,
  customers: EmuCustomer[],
  products: EmuProduct[],
  options: SeedShopOptions,
  allocate: (index?: number) => bigint,
): EmuOrder {
  // A sixth of the orders fall in the last 60 days (visible without read_all_orders).
  const recent = prng.chance(1 / 6);
  const createdMs = options.now.getTime() - Math.floor(prng.next() * (recent ? 59 * DAY_MS : TWO_YEARS_MS));
  const createdAt = new Date(createdMs - (createdMs % 1000));
  const updatedMs =
    createdMs + Math.floor((options.now.getTime() - createdMs) * prng.next() * prng.next() * prng.next());
  const updatedAt = new Date(updatedMs - (updatedMs % 1000));
  const guest = customers.length === 0 || prng.chance(0.15);
  const customer = guest ? null : prng.pick(customers);
  const email = customer ? customer.email : person(options.seed, 5_000_000 + index).email;

  const lineItems: EmuLineItem[] = [];
  const lineCount =
    products.length === 0 ? 1 : prng.weighted({ "1": 45, "2": 30, "3": 15, "4": 10 } as const);
  let subtotalCents = 0n;
  for (let l = 0; l < Number(lineCount); l++) {
    const product = products.length > 0 ? prng.pick(products) : null;
    const variant = product ? prng.pick(product.variants) : null;
    const quantity = Number(prng.weighted({ "1": 70, "2": 20, "3": 7, "5": 3 } as const));
    const price = variant ? variant.price : "25.00";
    subtotalCents += decimalToCents(price) * BigInt(quantity);
    lineItems.push({
      id: allocate(),
      title: product ? product.title : "Custom item",
      variantTitle: variant && variant.title !== "Default Title" ? variant.title : null,
      sku: variant ? variant.sku : null,
      quantity,
      price,
      productId: product ? product.id : null,
      variantId: variant ? variant.id : null,
      vendor: product ? product.vendor : null,
    });
  }
  const taxCents = (subtotalCents * 13n) / 100n;
  const shippingCents = subtotalCents > 10000n ? 0n : 800n;
  const discountCents = prng.chance(0.15) ? subtotalCents / 10n : 0n;
  const totalCents = subtotalCents + taxCents + shippingCents - discountCents;
  const financialStatus = prng.weighted({
    PAID: 62,
    PENDING: 6,
    AUTHORIZED: 6,
    PARTIALLY_PAID: 3,
    PARTIALLY_REFUNDED: 8,
    REFUNDED: 8,
    VOIDED: 5,
    EXPIRED: 2,
  } as const);
  const refunds: EmuRefund[] = [];
  if (financialStatus === "REFUNDED" || financialStatus === "PARTIALLY_REFUNDED") {
    const refundCents = financialStatus === "REFUNDED" ? totalCents : totalCents / 3n;
    const refundMs = Math.min(updatedMs, createdMs + 5 * DAY_MS);
    refunds.push({
      id: allocate(),
      createdAt: new Date(refundMs - (refundMs % 1000)),
      amount: centsToDecimal(refundCents),
      note: prng.chance(0.5) ? "Item arrived damaged" : null,
    });
  }
  const cancelled = financialStatus === "VOIDED" || (financialStatus === "REFUNDED" && prng.chance(0.3));
  const fulfillmentStatus = cancelled
    ? "UNFULFILLED"
    : prng.weighted({
        FULFILLED: 65,
        UNFULFILLED: 25,
        PARTIALLY_FULFILLED: 6,
        ON_HOLD: 2,
        IN_PROGRESS: 2,
      } as const);
  const presentmentCurrency = prng.weighted({ USD: 70, EUR: 10, GBP: 7, CAD: 7, AUD: 4, JPY: 2 } as const);
  const number = 1001 + index;
  return {
    id: allocate(index),
    name: `#${number}`,
    number,
    email,
    phone: customer?.phone ?? null,
    customerId: customer ? customer.id : null,
    currency: shop.currencyCode,
    presentmentCurrency,
    subtotalPrice: centsToDecimal(subtotalCents),
    totalTax: centsToDecimal(taxCents),
    totalShipping: centsToDecimal(shippingCents),
    totalDiscounts: centsToDecimal(discountCents),
    totalPrice: centsToDecimal(totalCents),
    financialStatus,
    fulfillmentStatus,
    tags: prng.chance(0.2) ? [prng.pick(["gift", "wholesale", "priority", "repeat"])] : [],
    note: prng.chance(0.05) ? "Leave at the back door." : null,
    lineItems,
    refunds,
    test: prng.chance(0.01),
    cancelledAt: cancelled ? updatedAt : null,
    cancelReason: cancelled ? prng.pick(["CUSTOMER", "DECLINED", "FRAUD", "INVENTORY", "OTHER"]) : null,
    closedAt: fulfillmentStatus === "FULFILLED" && financialStatus === "PAID" ? updatedAt : null,
    processedAt: createdAt,
    createdAt,
    updatedAt,
  };
}
