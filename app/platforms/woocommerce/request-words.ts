/**
 * A WooCommerce request in a store owner's words, for error messages: the client's operation names
 * (`GET /wc/v3/orders/{id}`) stay in the logs. Pure.
 */

const ONE_OF: Record<string, string> = {
  customers: "a customer",
  orders: "an order",
  products: "a product",
  webhooks: "a webhook",
  refunds: "a refund",
  variations: "a variation",
};
const one = (collection: string) => ONE_OF[collection] ?? `one of its ${collection.replace(/_/g, " ")}`;
const many = (collection: string) =>
  collection === "system_status" ? "the store's status" : collection.replace(/_/g, " ");

/**
 * What a request was doing, in a store owner's words: the client's operation names (`GET /wc/v3/orders/{id}`) stay
 * in the logs; messages say "reading customers", "removing a webhook". Anything else (the connection test's own
 * words) is kept as given.
 */
export function requestWords(operation: string): string {
  const match = /^(GET|POST|PUT|PATCH|DELETE) \/wc\/v3\/([^?]+)$/.exec(operation);
  if (!match) return operation;
  const [, method, path] = match;
  const parts = path.split("/").filter(Boolean);
  const last = parts[parts.length - 1]!;
  const item = last === "{id}";
  const collection = item ? parts[parts.length - 2]! : last;
  // A nested list (orders/{id}/refunds) belongs to one of its parent's records.
  const owner = !item && parts.length >= 3 ? `${one(parts[parts.length - 3]!)}'s ` : "";
  if (method === "GET") return `reading ${item ? one(collection) : `${owner}${many(collection)}`}`;
  if (method === "DELETE") return `removing ${one(collection)}`;
  if (method === "POST" && !item) return `creating ${one(collection)}`;
  return `updating ${one(collection)}`;
}
