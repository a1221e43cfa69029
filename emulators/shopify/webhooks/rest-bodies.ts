/**
 * REST-style webhook bodies built from the emulator's records, shaped like Shopify's documented examples
 * (`reference-2026-04/*.json`; one module per resource in rest-bodies/). Ids stay bigint so the JSON writer writes
 * them exactly. Since API 2025-01 customer bodies carry neither tags nor marketing consent.
 */
export { formatShopTime } from "./rest-bodies/format";
export { customerToRest } from "./rest-bodies/customer";
export { orderToRest } from "./rest-bodies/order";
export { productToRest } from "./rest-bodies/product";
export { shopToRest } from "./rest-bodies/shop";
export { customersDataRequestBody, customersRedactBody, shopRedactBody } from "./rest-bodies/compliance";
