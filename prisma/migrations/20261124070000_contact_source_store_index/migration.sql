-- CreateIndex
CREATE INDEX "ContactSource_integrationId_contactId_idx" ON "ContactSource"("integrationId", "contactId");

