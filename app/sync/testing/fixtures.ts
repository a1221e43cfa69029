/**
 * Test helpers shared by the sync engine's tests (and the job runner's): an organization with integrations, the
 * external ids an integration holds.
 */
import { randomUUID } from "node:crypto";
import type { Prisma } from "@prisma/client";
import { emailDigestKeysFrom } from "../../crypto/email-digest.server";
import { keyringFrom } from "../../crypto/encryption.server";
import type { AppDb } from "../../db/client.server";

/** Creates an organization and one integration per platform given; returns their ids. */
export async function seedOrganization(
  db: AppDb,
  platforms: string[] = ["memory"],
): Promise<{ organizationId: string; integrationIds: string[] }> {
  const organizationId = randomUUID();
  await db.organization.create({ data: { id: organizationId, name: "Test organization" } });
  const integrationIds: string[] = [];
  for (const [index, platform] of platforms.entries()) {
    const integration = await db.integration.create({
      data: {
        organizationId,
        platform,
        name: `${platform} store ${index}`,
        storeKey: `${platform}-${index}-${organizationId}`,
      },
    });
    integrationIds.push(integration.id);
  }
  return { organizationId, integrationIds };
}

/**
 * The external ids an integration holds live, per resource, sorted as text (deletion-check tests compare them with
 * the store's). `customers` narrows which store links count as the store's customers.
 */
export async function liveExternalIds(
  db: AppDb,
  integrationId: string,
  customers: Prisma.ContactSourceWhereInput = {},
): Promise<{ customers: string[]; orders: string[]; products: string[] }> {
  const ids = (rows: { externalId: string }[]) => rows.map((r) => r.externalId).sort();
  const select = { externalId: true } as const;
  const live = { integrationId, deletedAt: null };
  return {
    customers: ids(await db.contactSource.findMany({ where: { ...live, ...customers }, select })),
    orders: ids(await db.order.findMany({ where: live, select })),
    products: ids(await db.product.findMany({ where: live, select })),
  };
}

/** Email digest keys of a test process (ADR 0048), as `redactCustomer`, `runSync` and `applyRecords` take them. */
export const TEST_EMAIL_DIGEST_KEYS = emailDigestKeysFrom(
  keyringFrom(Buffer.alloc(32, 7).toString("base64")),
);

/** The options `redactCustomer` takes, for tests. */
export const redaction = { emailDigestKeys: TEST_EMAIL_DIGEST_KEYS };
