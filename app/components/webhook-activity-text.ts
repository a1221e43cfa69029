/**
 * The Webhook activity card's empty-state sentences. A disconnected store's webhooks were removed, so it neither
 * promises changes "within seconds" nor reports checks that no longer run.
 */
export function webhookActivityNotes(options: { disconnected: boolean }): {
  noEvents: string;
  noRepairs: string;
} {
  return options.disconnected
    ? {
        noEvents: "No webhook arrives from a disconnected store: its webhooks were removed.",
        noRepairs: "None: a disconnected store’s webhook subscriptions are not checked.",
      }
    : {
        noEvents:
          "No webhook has arrived from this store yet. Changes made in the store show up here within seconds.",
        noRepairs: "None needed: the store’s webhook subscriptions were in place at every check.",
      };
}
