/**
 * Shared pieces of the REST-style webhook bodies: times in the shop's zone with its offset (as Shopify writes them:
 * "2021-12-31T19:00:00-05:00"), exact money sums, money sets and addresses.
 */
import { createHash } from "node:crypto";
import type { EmuAddress } from "../../model";
import { toPresentment } from "../../graphql/objects/common";

export type Json = Record<string, unknown>;

/** Formats a UTC instant as local time with offset in `timeZone` (e.g. 2021-12-31T19:00:00-05:00). */
export function formatShopTime(date: Date | null, timeZone: string): string | null {
  if (!date) return null;
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      timeZoneName: "longOffset",
    }).formatToParts(date);
  } catch {
    // Unknown zone: fall back to UTC rather than failing a webhook.
    return date.toISOString().replace(/\.\d{3}Z$/, "+00:00");
  }
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const zone = get("timeZoneName"); // "GMT-05:00" or "GMT"
  const offset = zone === "GMT" ? "+00:00" : zone.replace("GMT", "");
  return `${get("year")}-${get("month")}-${get("day")}T${get("hour")}:${get("minute")}:${get("second")}${offset}`;
}

/** A stable numeric id for objects the model does not number (addresses, shipping lines). */
export function derivedId(seed: string): bigint {
  return BigInt(`0x${createHash("sha256").update(seed).digest("hex").slice(0, 12)}`);
}

/** Exact decimal arithmetic on money strings (no floats): sums with `sign` ±1 and keeps ≥ 2 decimals. */
export function addMoney(values: { amount: string; sign?: 1 | -1; times?: number }[]): string {
  const scale = Math.max(2, ...values.map((v) => (v.amount.split(".")[1] ?? "").length));
  let total = 0n;
  for (const v of values) {
    const negative = v.amount.startsWith("-");
    const [whole, frac = ""] = v.amount.replace(/^-/, "").split(".");
    let minor =
      BigInt(whole || "0") * 10n ** BigInt(scale) + BigInt((frac + "0".repeat(scale)).slice(0, scale) || "0");
    if (negative) minor = -minor;
    total += minor * BigInt(v.times ?? 1) * BigInt(v.sign ?? 1);
  }
  const negative = total < 0n;
  const abs = negative ? -total : total;
  const base = 10n ** BigInt(scale);
  const frac = (abs % base).toString().padStart(scale, "0");
  return `${negative ? "-" : ""}${(abs / base).toString()}.${frac}`;
}

/**
 * A REST money set: the amount in the shop's currency and converted to the buyer's at the emulator's fixed rates —
 * the same conversion the GraphQL `presentmentMoney` of the same order answers.
 */
export function moneySet(amount: string, shopCurrency: string, presentmentCurrency: string): Json {
  const presented =
    presentmentCurrency === shopCurrency ? amount : toPresentment(amount, presentmentCurrency);
  return {
    shop_money: { amount, currency_code: shopCurrency },
    presentment_money: { amount: presented, currency_code: presentmentCurrency },
  };
}

export function addressToRest(address: EmuAddress, extra: Json): Json {
  const name = [address.firstName, address.lastName].filter(Boolean).join(" ");
  return {
    ...extra,
    first_name: address.firstName,
    last_name: address.lastName,
    company: null,
    address1: address.address1,
    address2: null,
    city: address.city,
    province: address.province,
    country: address.country,
    zip: address.zip,
    phone: address.phone,
    name,
    province_code: address.provinceCode,
    country_code: address.countryCode,
    country_name: address.country,
  };
}
