-- A customer a store asked us to redact, by key (its customer id, an order id it named, or a keyed digest of its
-- email, never the email itself): the writer drops the personal data of records of that store read before the
-- redaction (ADR 0048). Deleted with the store (cascade) and by the store purge (shop/redact).

-- CreateTable
CREATE TABLE "CustomerSuppression" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "integrationId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "redactedAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CustomerSuppression_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "Integration" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "CustomerSuppression_integrationId_key_key" ON "CustomerSuppression"("integrationId", "key");
