
-- CreateTable
CREATE TABLE "WooConnectAttempt" (
    "id" TEXT NOT NULL,
    "browserHash" TEXT NOT NULL,
    "storeUrl" TEXT NOT NULL,
    "organizationId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "credentials" TEXT,
    "keyPermissions" TEXT,
    "integrationId" TEXT,
    "returnTo" TEXT NOT NULL DEFAULT 'standalone',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "WooConnectAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WooOwnerSession" (
    "id" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "integrationId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WooOwnerSession_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "WooConnectAttempt_expiresAt_idx" ON "WooConnectAttempt"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "WooOwnerSession_tokenHash_key" ON "WooOwnerSession"("tokenHash");

-- CreateIndex
CREATE INDEX "WooOwnerSession_organizationId_idx" ON "WooOwnerSession"("organizationId");

-- CreateIndex
CREATE INDEX "WooOwnerSession_expiresAt_idx" ON "WooOwnerSession"("expiresAt");

-- AddForeignKey
ALTER TABLE "WooOwnerSession" ADD CONSTRAINT "WooOwnerSession_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

