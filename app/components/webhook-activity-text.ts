/**
 * The Webhook activity card's empty-state sentences. A disconnected store's webhooks are refused, so it neither
 * promises changes "within seconds" nor reports checks that no longer run; nor does it say they were removed from the
 * store, which a disconnect whose store could not be reached did not do (the page's banner says so).
 */
export function webhookActivityNotes(options: { disconnected: boolean; readOnlyKey?: boolean }): {
  noEvents: string;
  noRepairs: string;
} {
  // A read-only WooCommerce key: Commerce Sync cannot create or repair webhooks, so nothing is promised of them.
  if (!options.disconnected && options.readOnlyKey) {
    return {
      noEvents:
        "No webhook has arrived from this store. With its read-only key, changes arrive with the scheduled checks.",
      noRepairs: "None: with a read-only key the store’s webhook subscriptions cannot be repaired.",
    };
  }
  return options.disconnected
    ? {
        noEvents: "Nothing a disconnected store sends is applied: its webhooks are refused.",
        noRepairs: "None: a disconnected store’s webhook subscriptions are not checked.",
      }
    : {
        noEvents:
          "No webhook has arrived from this store yet. Changes made in the store show up here within seconds.",
        noRepairs: "None needed: the store’s webhook subscriptions were in place at every check.",
      };
}

const WOO_RECORD_KINDS: Record<string, string> = { customer: "Customer", order: "Order", product: "Product" };

/**
 * The record a webhook event is about, as a merchant reads it: "Customer 13956000000027" rather than Shopify's
 * `gid://shopify/Customer/13956000000027`, "Order 3184" rather than the WooCommerce intake's `order:3184`
 * (app/integrations/woocommerce-webhooks.server.ts). Anything else keeps the id as it came ("Record …").
 */
export function webhookRecordLabel(resourceId: string | null): string {
  if (!resourceId) return "";
  const gid = /^gid:\/\/shopify\/([A-Za-z]+)\/([^/?]+)$/.exec(resourceId);
  if (gid) {
    const kind = gid[1].replace(/(?<=[a-z])([A-Z])/g, " $1");
    return `${kind.charAt(0)}${kind.slice(1).toLowerCase()} ${gid[2]}`;
  }
  const woo = /^([a-z_]+):(.+)$/.exec(resourceId);
  const wooKind = woo ? WOO_RECORD_KINDS[woo[1]] : undefined;
  return woo && wooKind ? `${wooKind} ${woo[2]}` : `Record ${resourceId}`;
}
