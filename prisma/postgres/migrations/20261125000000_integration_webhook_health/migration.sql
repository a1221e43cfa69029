-- AlterTable
ALTER TABLE "Integration" ADD COLUMN "webhookHealth" JSONB;
