-- CreateTable
CREATE TABLE "SpentNonce" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "spentAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "SpentNonce_expiresAt_idx" ON "SpentNonce"("expiresAt");
