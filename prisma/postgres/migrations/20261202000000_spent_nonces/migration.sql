-- CreateTable
CREATE TABLE "SpentNonce" (
    "key" TEXT NOT NULL,
    "spentAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SpentNonce_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "SpentNonce_expiresAt_idx" ON "SpentNonce"("expiresAt");
