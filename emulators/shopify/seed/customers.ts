/**
 * Seeded customers: realistic names from several cultures, emails drawn from a person pool shared by every shop of
 * one seed (the same person shops in several stores), 3% without email, every email consent state, addresses,
 * tags. Row `r` is a pure function of (seed, shop, r).
 */
import type { Prng } from "../../shared/prng";
import { CITIES, EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES } from "../../shared/names";
import { createPrng, hashSeed } from "../../shared/prng";
import type { EmuAddress, EmuCustomer, EmuMarketingConsent } from "../model";
import type { GeneratedRows } from "../store/table";
import { CUSTOMER_TAGS, STREETS } from "./catalog";
import type { ShopIds } from "./ids";
import { keyArrays, rowPrngs, spreadDates } from "./rows";

/** Weights of the seeded distributions (module constants: the generator caches their sums). */
const MARKETING_STATES = {
  NOT_SUBSCRIBED: 40,
  SUBSCRIBED: 35,
  UNSUBSCRIBED: 12,
  PENDING: 8,
  INVALID: 5,
} as const;
const OPT_IN_LEVELS = { SINGLE_OPT_IN: 60, CONFIRMED_OPT_IN: 30, UNKNOWN: 10 } as const;
const CUSTOMER_STATES = { ENABLED: 30, DISABLED: 60, INVITED: 8, DECLINED: 2 } as const;

/** Generated customers kept for reuse (a power of two). */
const CUSTOMER_CACHE_SIZE = 1024;

export interface Person {
  firstName: string;
  lastName: string;
  email: string;
}

/** The shared person pool: index → identity. Shops of one seed draw from it, which creates cross-shop duplicates. */
export function person(seed: number, index: number): Person {
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
  const marketingState = prng.weighted(MARKETING_STATES);
  return {
    marketingState,
    marketingOptInLevel: marketingState === "NOT_SUBSCRIBED" ? null : prng.weighted(OPT_IN_LEVELS),
    marketingUpdatedAt: marketingState === "NOT_SUBSCRIBED" ? null : updatedAt,
  };
}

export interface CustomerSeed {
  seed: number;
  domain: string;
  count: number;
  nowMs: number;
  currencyCode: string;
  ids: ShopIds;
  /** Where in the shared person pool this shop starts (0 for the first shop). */
  poolOffset: number;
}

/** The seeded customers of a shop as generated rows. */
export function customerRows(options: CustomerSeed): GeneratedRows<EmuCustomer> {
  const prngOf = rowPrngs(options.seed, options.domain, "customer");
  const { createdS, updatedS } = keyArrays(options.count, prngOf, (p) => spreadDates(p, options.nowMs));
  const ids = options.ids;
  // An order's generation and its customer field read the same customer back to back: keep recent ones.
  const cacheRows = new Int32Array(CUSTOMER_CACHE_SIZE).fill(-1);
  const cache: Array<EmuCustomer | undefined> = new Array(CUSTOMER_CACHE_SIZE);
  return {
    count: options.count,
    createdS,
    updatedS,
    idOf: (row) => ids.idOf("customer", row),
    rowOf: (id) => ids.rowOf("customer", id, options.count),
    generate(row) {
      const slot = row & (CUSTOMER_CACHE_SIZE - 1);
      if (cacheRows[slot] === row) return cache[slot]!;
      const customer = generateCustomer(row);
      cacheRows[slot] = row;
      cache[slot] = customer;
      return customer;
    },
  };

  function generateCustomer(row: number): EmuCustomer {
    const prng = prngOf(row);
    spreadDates(prng, options.nowMs); // the dates are in the key arrays; keep the draw order
    const createdAt = new Date(createdS[row] * 1000);
    const updatedAt = new Date(updatedS[row] * 1000);
    // Shops after the first take every fifth person from the start of the pool (shared with the first shop).
    const poolIndex = options.poolOffset > 0 && row % 5 === 0 ? row : options.poolOffset + row;
    const who = person(options.seed, poolIndex);
    const hasEmail = prng.chance(0.97);
    const hasPhone = !hasEmail || prng.chance(0.4);
    const phone = hasPhone ? `+1613555${String(1000 + (row % 9000)).padStart(4, "0")}` : null;
    const city = prng.pick(CITIES);
    const address: EmuAddress | null = prng.chance(0.8)
      ? {
          firstName: who.firstName,
          lastName: who.lastName,
          address1: `${prng.int(1, 999)} ${prng.pick(STREETS)} Street`,
          city: city.city,
          province: city.province || null,
          provinceCode: city.provinceCode || null,
          country: city.country,
          countryCode: city.countryCode,
          zip: city.postcode,
          phone,
        }
      : null;
    return {
      id: ids.idOf("customer", row),
      firstName: who.firstName,
      lastName: prng.chance(0.02) ? null : who.lastName,
      email: hasEmail ? who.email : null,
      phone,
      tags: prng.chance(0.3) ? [prng.pick(CUSTOMER_TAGS)] : [],
      note: prng.chance(0.05) ? "Prefers email contact." : null,
      state: prng.weighted(CUSTOMER_STATES),
      verifiedEmail: hasEmail && prng.chance(0.9),
      emailConsent: hasEmail ? consent(prng, updatedAt) : null,
      defaultAddress: address,
      currency: options.currencyCode,
      createdAt,
      updatedAt,
    };
  }
}
