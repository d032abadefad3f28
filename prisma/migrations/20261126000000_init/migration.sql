-- CreateEnum
CREATE TYPE "ConnectionKind" AS ENUM ('magento', 'plenty');
CREATE TYPE "ProfileEntityType" AS ENUM ('order');
CREATE TYPE "ProfileDirection" AS ENUM ('export', 'import');
CREATE TYPE "ProfileStatus" AS ENUM ('active', 'inactive');
CREATE TYPE "OrderSyncStatus" AS ENUM ('pending', 'processing', 'complete', 'updated', 'skipped', 'failed');
CREATE TYPE "SyncDirection" AS ENUM ('import', 'export');
CREATE TYPE "ScheduleStatus" AS ENUM ('pending', 'processing', 'success', 'error', 'missed');
CREATE TYPE "ApiKeyRole" AS ENUM ('admin', 'viewer');

-- CreateTable
CREATE TABLE "Connection" (
    "id" SERIAL NOT NULL,
    "kind" "ConnectionKind" NOT NULL,
    "name" TEXT NOT NULL,
    "baseUrl" TEXT NOT NULL,
    "username" TEXT,
    "secretEncrypted" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Connection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Profile" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "entityType" "ProfileEntityType" NOT NULL DEFAULT 'order',
    "direction" "ProfileDirection" NOT NULL DEFAULT 'export',
    "status" "ProfileStatus" NOT NULL DEFAULT 'inactive',
    "cronExpression" TEXT NOT NULL DEFAULT '*/15 * * * *',
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "magentoConnectionId" INTEGER NOT NULL,
    "plentyConnectionId" INTEGER NOT NULL,
    "cursorUpdatedAt" TIMESTAMP(3),
    "cursorEntityId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Profile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProfileSetting" (
    "id" SERIAL NOT NULL,
    "profileId" INTEGER NOT NULL,
    "scope" TEXT NOT NULL,
    "settings" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProfileSetting_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Lookup" (
    "id" SERIAL NOT NULL,
    "connectionId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "fetchedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Lookup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "role" "ApiKeyRole" NOT NULL,
    "prefix" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" SERIAL NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderSync" (
    "id" SERIAL NOT NULL,
    "profileId" INTEGER NOT NULL,
    "magentoOrderId" INTEGER NOT NULL,
    "incrementId" TEXT NOT NULL,
    "customerId" INTEGER,
    "storeId" INTEGER,
    "magentoStatus" TEXT,
    "magentoUpdatedAt" TIMESTAMP(3),
    "status" "OrderSyncStatus" NOT NULL DEFAULT 'pending',
    "plentyOrderId" INTEGER,
    "plentyStatusId" DOUBLE PRECISION,
    "plentyStatusName" TEXT,
    "plentyReferrerId" DOUBLE PRECISION,
    "plentyContactId" INTEGER,
    "plentyBillingAddressId" INTEGER,
    "plentyShippingAddressId" INTEGER,
    "plentyPaymentId" INTEGER,
    "plentyPaymentMethodId" INTEGER,
    "plentyPaymentStatusId" INTEGER,
    "plentyPaymentOrderAssignmentId" INTEGER,
    "plentyPaymentContactAssignmentId" INTEGER,
    "sentSteps" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "message" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "claimedBy" TEXT,
    "claimedUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "processedAt" TIMESTAMP(3),

    CONSTRAINT "OrderSync_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderSyncHistory" (
    "id" SERIAL NOT NULL,
    "orderSyncId" INTEGER NOT NULL,
    "profileId" INTEGER NOT NULL,
    "magentoOrderId" INTEGER NOT NULL,
    "plentyOrderId" INTEGER,
    "status" "OrderSyncStatus" NOT NULL,
    "direction" "SyncDirection" NOT NULL DEFAULT 'export',
    "action" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "request" JSONB,
    "response" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OrderSyncHistory_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Schedule" (
    "id" SERIAL NOT NULL,
    "profileId" INTEGER NOT NULL,
    "status" "ScheduleStatus" NOT NULL DEFAULT 'pending',
    "jobCode" TEXT NOT NULL,
    "trigger" TEXT NOT NULL DEFAULT 'cron',
    "message" TEXT,
    "stats" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "scheduledAt" TIMESTAMP(3) NOT NULL,
    "executedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Schedule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ScheduleHistory" (
    "id" SERIAL NOT NULL,
    "scheduleId" INTEGER NOT NULL,
    "profileId" INTEGER NOT NULL,
    "status" "ScheduleStatus" NOT NULL,
    "action" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "performedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ScheduleHistory_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ProfileSetting_profileId_scope_key" ON "ProfileSetting"("profileId", "scope");
CREATE UNIQUE INDEX "Lookup_connectionId_kind_key" ON "Lookup"("connectionId", "kind");
CREATE UNIQUE INDEX "ApiKey_keyHash_key" ON "ApiKey"("keyHash");
CREATE INDEX "AuditLog_entityType_entityId_createdAt_idx" ON "AuditLog"("entityType", "entityId", "createdAt");
CREATE UNIQUE INDEX "OrderSync_profileId_magentoOrderId_key" ON "OrderSync"("profileId", "magentoOrderId");
CREATE INDEX "OrderSync_profileId_createdAt_id_idx" ON "OrderSync"("profileId", "createdAt" DESC, "id" DESC);
CREATE INDEX "OrderSync_profileId_status_createdAt_id_idx" ON "OrderSync"("profileId", "status", "createdAt" DESC, "id" DESC);
CREATE INDEX "OrderSync_profileId_incrementId_idx" ON "OrderSync"("profileId", "incrementId");
CREATE INDEX "OrderSyncHistory_orderSyncId_createdAt_idx" ON "OrderSyncHistory"("orderSyncId", "createdAt");
CREATE INDEX "OrderSyncHistory_profileId_createdAt_id_idx" ON "OrderSyncHistory"("profileId", "createdAt" DESC, "id" DESC);
CREATE INDEX "Schedule_profileId_createdAt_id_idx" ON "Schedule"("profileId", "createdAt" DESC, "id" DESC);
CREATE INDEX "Schedule_profileId_status_idx" ON "Schedule"("profileId", "status");
CREATE INDEX "ScheduleHistory_profileId_createdAt_id_idx" ON "ScheduleHistory"("profileId", "createdAt" DESC, "id" DESC);
CREATE INDEX "ScheduleHistory_scheduleId_idx" ON "ScheduleHistory"("scheduleId");

-- AddForeignKey
ALTER TABLE "Profile" ADD CONSTRAINT "Profile_magentoConnectionId_fkey" FOREIGN KEY ("magentoConnectionId") REFERENCES "Connection"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Profile" ADD CONSTRAINT "Profile_plentyConnectionId_fkey" FOREIGN KEY ("plentyConnectionId") REFERENCES "Connection"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "ProfileSetting" ADD CONSTRAINT "ProfileSetting_profileId_fkey" FOREIGN KEY ("profileId") REFERENCES "Profile"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Lookup" ADD CONSTRAINT "Lookup_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "OrderSync" ADD CONSTRAINT "OrderSync_profileId_fkey" FOREIGN KEY ("profileId") REFERENCES "Profile"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "OrderSyncHistory" ADD CONSTRAINT "OrderSyncHistory_orderSyncId_fkey" FOREIGN KEY ("orderSyncId") REFERENCES "OrderSync"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Schedule" ADD CONSTRAINT "Schedule_profileId_fkey" FOREIGN KEY ("profileId") REFERENCES "Profile"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "ScheduleHistory" ADD CONSTRAINT "ScheduleHistory_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "Schedule"("id") ON DELETE CASCADE ON UPDATE CASCADE;
