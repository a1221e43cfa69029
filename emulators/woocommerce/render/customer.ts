/** A WordPress user as `/customers` renders it in WooCommerce 11 (the real capture's key order). */
import { createHash } from "node:crypto";
import type { EmulatedWooCustomer } from "../store/records";
import { customerAddress, dates, meta, selfLinks, type RenderContext } from "./common";

/** Gravatar URL as WordPress 7 builds it (SHA-256 of the trimmed, lower-cased email). */
export function avatarUrl(email: string): string {
  const hash = createHash("sha256").update(email.trim().toLowerCase()).digest("hex");
  return `https://secure.gravatar.com/avatar/${hash}?s=96&d=mm&r=g`;
}

export function renderCustomer(c: EmulatedWooCustomer, ctx: RenderContext): Record<string, unknown> {
  const [dc, dcv, dcg, dcgv] = dates("date_created", c.createdMs, ctx);
  const [dm, dmv, dmg, dmgv] = dates("date_modified", c.modifiedMs, ctx);
  return {
    id: c.id,
    [dc]: dcv,
    [dcg]: dcgv,
    [dm]: dmv,
    [dmg]: dmgv,
    email: c.email,
    first_name: c.firstName,
    last_name: c.lastName,
    role: c.role,
    username: c.username,
    billing: customerAddress(c.billing, true),
    shipping: customerAddress(c.shipping, false),
    is_paying_customer: c.isPayingCustomer,
    avatar_url: avatarUrl(c.email),
    meta_data: meta(c.metaData),
    _links: selfLinks(ctx, `customers/${c.id}`, "customers"),
  };
}
