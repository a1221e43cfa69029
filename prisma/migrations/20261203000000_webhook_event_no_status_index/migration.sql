-- No query filters webhook events on status alone, and the index cost every insert and status change.
DROP INDEX "WebhookEvent_status_idx";
