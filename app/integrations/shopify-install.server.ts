import type { Db } from "../db/client.server";

/**
 * Records a Shopify install (called from shopify.server.ts's afterAuth): finds or creates the shop's integration and
 * its organization, and reconnects an integration that had been disconnected (reinstall). Idempotent: afterAuth runs
 * on every token exchange.
 */
export async function recordShopifyInstall(
  db: Db,
  input: InstallInput,
): Promise<{ organizationId: string; integrationId: string; created: boolean }> {
  const existing = await db.integration.findUnique({
    where: { platform_storeKey: { platform: "shopify", storeKey: input.shop } },
  });
  if (existing) {
    if (existing.status === "disconnected") {
      await db.$transaction([
        db.integration.update({
          where: { id: existing.id },
          data: { status: "connected", statusReason: null, disconnectedAt: null },
        }),
        db.auditLog.create({ data: installAudit(input, existing, "integration.reconnected") }),
      ]);
    }
    return { organizationId: existing.organizationId, integrationId: existing.id, created: false };
  }

  try {
    return await createShopifyIntegration(db, input);
  } catch (error) {
    // Two first requests of a new shop can run afterAuth at once: the loser finds the winner's integration.
    if ((error as { code?: string }).code === "P2002") return recordShopifyInstall(db, input);
    throw error;
  }
}

async function createShopifyIntegration(
  db: Db,
  input: InstallInput,
): Promise<{ organizationId: string; integrationId: string; created: boolean }> {
  return db.$transaction(async (tx) => {
    const organization = await tx.organization.create({ data: { name: shopDisplayName(input.shop) } });
    const integration = await tx.integration.create({
      data: {
        organizationId: organization.id,
        platform: "shopify",
        name: shopDisplayName(input.shop),
        storeKey: input.shop,
        status: "connected",
      },
    });
    await tx.auditLog.create({ data: installAudit(input, integration, "integration.connected") });
    return { organizationId: organization.id, integrationId: integration.id, created: true };
  });
}

type InstallInput = { shop: string; scope?: string | null; actor?: string };

function installAudit(
  input: InstallInput,
  integration: { id: string; organizationId: string },
  action: "integration.connected" | "integration.reconnected",
) {
  return {
    organizationId: integration.organizationId,
    integrationId: integration.id,
    actor: input.actor ?? `merchant:${input.shop}`,
    action,
    detail: { platform: "shopify", shop: input.shop, scope: input.scope ?? null },
  };
}

/** "acme-shop.myshopify.com" → "acme-shop" (a readable default name the merchant can change). */
export function shopDisplayName(shop: string): string {
  return shop.replace(/\.myshopify\.com$/, "");
}
