/**
 * Deletions name their records by a list of ids of any length (a trash listing, a batch of webhooks). The list goes
 * to the database as one JSON parameter per 5,000 ids (sql.server.ts `executeIn`), never an id per parameter, so
 * neither SQLite's 999 nor PostgreSQL's 32,767 parameters per statement limit it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../../../tests/setup/db";
import { applyDeletions } from "../apply.server";
import { runSync } from "../engine.server";
import { createMemorySource, syntheticCustomer, syntheticOrder } from "../testing/memory-source";
import { seedOrganization } from "../testing/fixtures";

/** Stored and named: on both sides of each 5,000-id statement boundary, and at the ends of the list. */
const STORED = [0, 1, 4_999, 5_000, 9_999, 10_000, 39_999];
const NAMED = 40_000;
/** Stored, not named: must stay. */
const KEPT = 40_000;

describe.each(DATABASE_KINDS)("deletions naming many ids on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("applies a deletion list of 40,000 ids in full: orders soft-deleted, customer links kept as tombstones", async () => {
    const {
      integrationIds: [integrationId],
    } = await seedOrganization(t.db);
    await runSync(t.db, {
      integrationId,
      kind: "full",
      source: createMemorySource({
        customers: [...STORED, KEPT].map((i) => syntheticCustomer(i)),
        orders: [...STORED, KEPT].map((i) => ({
          ...syntheticOrder(i, { itemCount: 1 }),
          customer_id: `c${i}`,
        })),
      }),
    });
    const ids = (prefix: string) => Array.from({ length: NAMED }, (_, i) => `${prefix}${i}`);
    expect(await applyDeletions(t.db, { integrationId, resource: "orders", externalIds: ids("o") })).toBe(7);
    expect(await applyDeletions(t.db, { integrationId, resource: "customers", externalIds: ids("c") })).toBe(
      7,
    );
    const live = await t.db.order.findMany({ where: { integrationId, deletedAt: null } });
    expect(live.map((o) => o.externalId)).toEqual([`o${KEPT}`]);
    const links = await t.db.contactSource.findMany({ where: { integrationId, deletedAt: null } });
    expect(links.map((l) => l.externalId)).toEqual([`c${KEPT}`]);
    // A deleted customer's link stays as a tombstone (ADR 0044).
    expect(await t.db.contactSource.count({ where: { integrationId, deletedAt: { not: null } } })).toBe(
      STORED.length,
    );
  });
});
