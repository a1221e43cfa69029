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
