/**
 * Test helpers shared by the sync engine's tests (and the job runner's): an organization with integrations.
 */
import { randomUUID } from "node:crypto";
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
