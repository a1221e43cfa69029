-- A customer the store deleted keeps its link as a tombstone (deletedAt set, ADR 0044): a late or repeated webhook
-- update made before the deletion no longer links it again. The per-store contact count reads live links only, so
-- its covering index gains deletedAt.

-- DropIndex
DROP INDEX "ContactSource_integrationId_contactId_idx";

-- AlterTable
ALTER TABLE "ContactSource" ADD COLUMN "deletedAt" DATETIME;

-- CreateIndex
CREATE INDEX "ContactSource_integrationId_deletedAt_contactId_idx" ON "ContactSource"("integrationId", "deletedAt", "contactId");
