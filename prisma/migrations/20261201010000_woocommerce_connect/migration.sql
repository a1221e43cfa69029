-- CreateTable
CREATE TABLE "WooConnectAttempt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "browserHash" TEXT NOT NULL,
    "storeUrl" TEXT NOT NULL,
    "organizationId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "credentials" TEXT,
    "keyPermissions" TEXT,
    "integrationId" TEXT,
    "returnTo" TEXT NOT NULL DEFAULT 'standalone',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "completedAt" DATETIME
);

-- CreateTable
CREATE TABLE "WooOwnerSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tokenHash" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "integrationId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    CONSTRAINT "WooOwnerSession_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "WooConnectAttempt_expiresAt_idx" ON "WooConnectAttempt"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "WooOwnerSession_tokenHash_key" ON "WooOwnerSession"("tokenHash");

-- CreateIndex
CREATE INDEX "WooOwnerSession_organizationId_idx" ON "WooOwnerSession"("organizationId");

-- CreateIndex
CREATE INDEX "WooOwnerSession_expiresAt_idx" ON "WooOwnerSession"("expiresAt");

