/**
 * Webhook bodies differ by the API version they are delivered in — always the app's configured webhook version
 * (`[webhooks] api_version`), never the version of the call that created a subscription. The emulator builds
 * bodies in the newest captured shape (2026-04, see reference-2026-04/) and rewrites them for older versions as
 * far as the real captures show: an order body before 2026-04 has `checkout_id` (after `cart_token`) and no
 * `line_item_groups`, as in the 2025-04 capture. Versions between two captures get the older capture's shape.
 */

/** The first version whose order bodies have the 2026-04 shape. */
export const ORDER_SHAPE_2026_04 = "2026-04";

/** `body` as delivered in `apiVersion` (a new object when it differs; the input is not changed). */
export function bodyForVersion(topic: string, body: unknown, apiVersion: string): unknown {
  if (!topic.startsWith("orders/") || apiVersion >= ORDER_SHAPE_2026_04) return body;
  if (!body || typeof body !== "object" || Array.isArray(body)) return body;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key === "line_item_groups") continue;
    out[key] = value;
    if (key === "cart_token") out.checkout_id = null;
  }
  return out;
}
