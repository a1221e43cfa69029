-- Webhook deliveries are processed by one `webhook.drain` job per store (app/jobs/webhook-job.server.ts) instead of one
-- job per delivery. A delivery that failed and will be retried waits for `nextAttemptAt`, and the drain reads the
-- waiting deliveries of a store in order through [integrationId, status, receivedAt], which replaces the per-record
-- index of the "earlier deliveries of this record" lookup of the per-delivery job (docs/decisions/0035, addendum of
-- 2026-12-02). No apostrophes or semicolons in these comments: the PostgreSQL adapter splits the script naively.
ALTER TABLE "WebhookEvent" ADD COLUMN "nextAttemptAt" DATETIME;
DROP INDEX "WebhookEvent_integrationId_resourceId_receivedAt_idx";
CREATE INDEX "WebhookEvent_integrationId_status_receivedAt_idx" ON "WebhookEvent"("integrationId", "status", "receivedAt");
