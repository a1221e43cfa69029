/**
 * What a store page says about a WooCommerce store that prints PHP messages into its REST answers (ADR 0058): one
 * statement that syncing carries on, why it still matters to the owner, and the setting that stops it.
 */

export interface PhpNoticeBanner {
  title: string;
  paragraphs: string[];
}

/** The store page's one banner for PHP messages in the store's answers; `message` is the first one seen. */
export function phpNoticeBanner(notice: { message: string }): PhpNoticeBanner {
  return {
    title: "Your site prints PHP notices into its API answers",
    paragraphs: [
      `WordPress on this store adds PHP messages to the answers of its REST API, for example: "${notice.message}". ` +
        "Commerce Sync reads the data after them, so syncing carries on.",
      "Printing them slows every answer down and can break other apps and integrations that read your store's " +
        "API. Set WP_DEBUG_DISPLAY to false in wp-config.php (with WP_DEBUG_LOG on, the messages go to " +
        "wp-content/debug.log instead), or ask the author of the plugin named in the message to fix it.",
    ],
  };
}
