-- AlterTable
ALTER TABLE "Integration" ADD COLUMN "statusCode" TEXT;
