-- A webhook job looks up the earlier deliveries of its own record still waiting (webhook-job.server.ts). Through the
-- [integrationId, receivedAt] index that read every older delivery of the store: ~0.5 s per job at 100,000 stored.
CREATE INDEX "WebhookEvent_integrationId_resourceId_receivedAt_idx" ON "WebhookEvent"("integrationId", "resourceId", "receivedAt");
