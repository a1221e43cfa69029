-- WooCommerce creation pings received, by the integration id of the delivery URL: tells whether the store reaches
-- this app (app/platforms/woocommerce/webhook-pings.server.ts). No apostrophes or semicolons in these comments.
CREATE TABLE "WebhookPing" (
    "integrationId" TEXT NOT NULL PRIMARY KEY,
    "receivedAt" DATETIME NOT NULL
);
