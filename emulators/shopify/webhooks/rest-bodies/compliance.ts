/** Compliance topic bodies: customers/data_request, customers/redact, shop/redact. */
import type { EmuCustomer, EmuShop } from "../../model";
import { orderIdsOfCustomer } from "../../store/views";
import type { Json } from "./format";

function complianceCustomer(c: EmuCustomer): Json {
  return { id: c.id, email: c.email, phone: c.phone };
}

/** customers/data_request body. */
export function customersDataRequestBody(shop: EmuShop, c: EmuCustomer, dataRequestId: bigint): Json {
  return {
    shop_id: shop.id,
    shop_domain: shop.domain,
    customer: complianceCustomer(c),
    orders_requested: orderIdsOfCustomer(shop, c.id),
    data_request: { id: dataRequestId },
  };
}

/** customers/redact body. */
export function customersRedactBody(shop: EmuShop, c: EmuCustomer): Json {
  return {
    shop_id: shop.id,
    shop_domain: shop.domain,
    customer: complianceCustomer(c),
    orders_to_redact: orderIdsOfCustomer(shop, c.id),
  };
}

/** shop/redact body. */
export function shopRedactBody(shop: EmuShop): Json {
  return { shop_id: shop.id, shop_domain: shop.domain };
}
