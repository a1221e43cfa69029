/**
 * Webhook bodies differ by the API version they are delivered in — always the app's configured webhook version
 * (`[webhooks] api_version`), never the version of the call that created a subscription. The emulator builds
 * bodies in the newest captured shape (2026-04, see reference-2026-04/) and rewrites them for older versions as
 * far as the real captures show (reference-2025-04/ and the shared reference set): an order body before 2026-04 has
 * `checkout_id` (after `cart_token`) and no `line_item_groups`, and a customer (alone or inside an order) lists
 * `email` right after `id`, as in the 2025-04 captures. Versions between two captures get the older capture's shape.
 */

/** The first version whose bodies have the 2026-04 shape. */
export const ORDER_SHAPE_2026_04 = "2026-04";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  !!value && typeof value === "object" && !Array.isArray(value);

/** Key order of a customer in the 2025-04 samples: `email` after `id`, `currency` before `phone` when alone. */
const CUSTOMER_2025_04 = [
  "id",
  "email",
  "created_at",
  "updated_at",
  "first_name",
  "last_name",
  "state",
  "note",
];
const CUSTOMER_2025_04_TAIL = ["verified_email", "multipass_identifier", "tax_exempt", "currency", "phone"];

/** `obj` with `first` keys first (those it has), then the rest in their order. */
function keysFirst(obj: Json, first: readonly string[]): Json {
  const out: Json = {};
  for (const key of first) if (key in obj) out[key] = obj[key];
  for (const [key, value] of Object.entries(obj)) if (!(key in out)) out[key] = value;
  return out;
}

/** A customer as the 2025-04 samples order it (`alone`: a customers/* body; else embedded in an order). */
function customer2025(customer: Json, alone: boolean): Json {
  if (alone) return keysFirst(customer, [...CUSTOMER_2025_04, ...CUSTOMER_2025_04_TAIL]);
  return keysFirst(customer, CUSTOMER_2025_04);
}

/** `body` as delivered in `apiVersion` (a new object when it differs; the input is not changed). */
export function bodyForVersion(topic: string, body: unknown, apiVersion: string): unknown {
  if (apiVersion >= ORDER_SHAPE_2026_04 || !isObject(body)) return body;
  if (topic === "customers/create" || topic === "customers/update") return customer2025(body, true);
  if (!topic.startsWith("orders/")) return body;
  const out: Json = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === "line_item_groups") continue;
    out[key] = key === "customer" && isObject(value) ? customer2025(value, false) : value;
    if (key === "cart_token") out.checkout_id = null;
  }
  return out;
}
