/**
 * What the integrations API tests share (integrations-api-*.test.ts): a `kind` database with the API's route modules
 * loaded over it, and before each test a fresh merchant (seedMerchant) with an API token for it and one for the other
 * organization.
 */
import { beforeAll, afterAll, beforeEach } from "vitest";
import { createApiToken } from "../../app/integrations/api-tokens.server";
import { seedMerchant, type MerchantFixture } from "../../app/integrations/testing/merchant";
import type { DatabaseKind } from "../../app/db/database-url";
import { useTestDatabase } from "../setup/use-test-database";
import { loadRoutes, type RouteHarness } from "./routes-harness";

export const LIST = "api.integrations._index.tsx";
export const SYNC = "api.integrations.$id.sync.tsx";
export const DISCONNECT = "api.integrations.$id.disconnect.tsx";
export const HISTORY = "api.integrations.$id.sync-history.tsx";
export const SCHEDULE = "api.integrations.$id.schedule.tsx";

/** Throws a clear error for a fixture part used before its hook set it. */
function ready<T>(value: T | undefined, name: string): T {
  if (value === undefined)
    throw new Error(`The integrations API fixture's ${name} is used before its hook set it.`);
  return value;
}

/**
 * For the enclosing `describe`: `t` and `api` (the route modules) live for all its tests; `m` (the merchant) and
 * `callers` (`token` of the merchant's organization, `otherToken` of the other) are seeded again before each test.
 */
export function useIntegrationsApi(kind: DatabaseKind) {
  const t = useTestDatabase(kind);
  let harness: RouteHarness | undefined;
  let merchant: MerchantFixture | undefined;
  const tokens: { token?: string; otherToken?: string } = {};

  beforeAll(async () => {
    harness = await loadRoutes(t);
  });
  // Registered after the database's afterAll, so it runs before the database is dropped.
  afterAll(async () => {
    await harness?.close();
  });
  beforeEach(async () => {
    await t.db.organization.deleteMany();
    merchant = await seedMerchant(t.db);
    tokens.token = (
      await createApiToken(t.db, { organizationId: merchant.organizationId, name: "Desk", createdBy: "test" })
    ).token;
    tokens.otherToken = (
      await createApiToken(t.db, {
        organizationId: merchant.otherOrganizationId,
        name: "Other",
        createdBy: "test",
      })
    ).token;
  });

  const api: RouteHarness = {
    get queue() {
      return ready(harness, "api").queue;
    },
    call: (file, init) => ready(harness, "api").call(file, init),
    close: () => ready(harness, "api").close(),
  };
  const live = (): MerchantFixture => ready(merchant, "m");
  const m: MerchantFixture = {
    get organizationId() {
      return live().organizationId;
    },
    get shopifyId() {
      return live().shopifyId;
    },
    get wooId() {
      return live().wooId;
    },
    get otherOrganizationId() {
      return live().otherOrganizationId;
    },
    get otherIntegrationId() {
      return live().otherIntegrationId;
    },
  };
  const callers = {
    get token() {
      return ready(tokens.token, "token");
    },
    get otherToken() {
      return ready(tokens.otherToken, "otherToken");
    },
  };

  /** Jobs that name this integration (the queue outlives each test's data). */
  async function jobsFor(integrationId: string) {
    const jobs = await api.queue.listJobs({ limit: 100 });
    return jobs.filter((j) => (j.payload as { integrationId?: string }).integrationId === integrationId);
  }

  return { t, api, m, callers, jobsFor };
}
