/** customers/* bodies. */
import { gid, type EmuCustomer, type EmuShop } from "../../model";
import { addressToRest, derivedId, formatShopTime, type Json } from "./format";

/**
 * customers/create|update body. Since API 2025-01 Shopify no longer sends tags or marketing consent here, so
 * neither is included.
 */
export function customerToRest(shop: EmuShop, c: EmuCustomer): Json {
  const tz = shop.ianaTimezone;
  const defaultAddress = c.defaultAddress
    ? addressToRest(c.defaultAddress, { id: derivedId(`address:${c.id}`), customer_id: c.id })
    : null;
  const body: Json = {
    id: c.id,
    created_at: formatShopTime(c.createdAt, tz),
    updated_at: formatShopTime(c.updatedAt, tz),
    first_name: c.firstName,
    last_name: c.lastName,
    state: c.state.toLowerCase(),
    note: c.note,
    verified_email: c.verifiedEmail,
    multipass_identifier: null,
    tax_exempt: false,
    email: c.email,
    phone: c.phone,
    currency: c.currency,
    addresses: defaultAddress ? [{ ...defaultAddress, default: true }] : [],
    tax_exemptions: [],
    admin_graphql_api_id: gid("Customer", c.id),
  };
  if (defaultAddress) body.default_address = { ...defaultAddress, default: true };
  return body;
}
