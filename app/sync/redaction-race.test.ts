/**
 * ADR 0048, addendum: on PostgreSQL a redaction and a webhook write of the same store, running at the same time, end
 * as if one ran after the other. A third connection holds a table lock that stops one of them part-way, after it
 * took its advisory lock (the write past its suppression check, the redaction past recording its suppressions); the
 * test then shows the other waiting for it, lets the first commit, and reads what is left of the person.
 * SQLite runs write transactions one at a time (BEGIN IMMEDIATE), so the interleaving cannot happen there.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/setup/db";
import { applyRecords } from "./apply.server";
import { redactCustomer } from "./compliance.server";
import { redaction, seedOrganization, TEST_EMAIL_DIGEST_KEYS } from "./testing/fixtures";
import { mapMemoryCustomer, syntheticCustomer } from "./testing/memory-source";

describe("a redaction racing a webhook write on postgres", () => {
  let t: TestDatabase;
  /** The third connection: holds the table lock, and watches who waits. */
  let other: pg.Client;

  beforeAll(async () => {
    t = await createTestDatabase("postgres");
    other = new pg.Client({ connectionString: t.url });
    await other.connect();
  });
  afterAll(async () => {
    await other?.end();
    await t?.cleanup();
  });

  /** Sessions of this database waiting for a lock: advisory ones, or on `table`. */
  async function waiting(on: "advisory" | { table: string }): Promise<number> {
    const { rows } = await other.query<{ n: number }>(
      `SELECT count(*)::int AS "n" FROM pg_locks
        WHERE NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND ${on === "advisory" ? `locktype = 'advisory'` : `relation = to_regclass($1)`}`,
      on === "advisory" ? [] : [`"${on.table}"`],
    );
    return rows[0].n;
  }

  /** Polls until `waiters` sessions wait as described, or `settled` says the work already ended; false then. */
  async function untilWaiting(on: Parameters<typeof waiting>[0], settled: () => boolean): Promise<boolean> {
    for (const started = Date.now(); Date.now() - started < 10_000;) {
      if ((await waiting(on)) > 0) return true;
      if (settled()) return false;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return false;
  }

  function tracked<T>(promise: Promise<T>) {
    const state = { settled: false, promise };
    promise.then(
      () => (state.settled = true),
      () => (state.settled = true),
    );
    return state;
  }

  async function seed() {
    const {
      organizationId,
      integrationIds: [shop],
    } = await seedOrganization(t.db, ["shopify"]);
    return { organizationId, shop };
  }

  /** customers/create of the customer, sent by the store before the redaction was asked for. */
  const webhookWrite = (shop: string, i: number) =>
    applyRecords(t.db, {
      integrationId: shop,
      resource: "customers",
      remote: [syntheticCustomer(i)],
      map: mapMemoryCustomer,
      emailDigestKeys: TEST_EMAIL_DIGEST_KEYS,
    });
  const redact = (shop: string, i: number) =>
    redactCustomer(
      t.db,
      { integrationId: shop, customerExternalId: `c${i}`, email: `customer${i}@example.com` },
      redaction,
    );

  async function traces(organizationId: string, shop: string, i: number) {
    return {
      contacts: await t.db.contact.count({
        where: { organizationId, OR: [{ email: `customer${i}@example.com` }, { firstName: `First${i}` }] },
      }),
      links: await t.db.contactSource.count({ where: { integrationId: shop, externalId: `c${i}` } }),
    };
  }

  it("a redaction waits for a write in flight, then clears what it wrote", async () => {
    const { organizationId, shop } = await seed();
    // The write's link insert waits behind the table lock: by then it took its lock, found no suppression, and
    // wrote the contact (uncommitted, so a redaction that did not wait would find nobody).
    await other.query("BEGIN");
    await other.query(`LOCK TABLE "ContactSource" IN SHARE MODE`);
    const write = tracked(webhookWrite(shop, 1));
    try {
      expect.soft(await untilWaiting({ table: "ContactSource" }, () => write.settled)).toBe(true);
      const redacting = tracked(redact(shop, 1));
      expect.soft(await untilWaiting("advisory", () => redacting.settled)).toBe(true);
      expect.soft(redacting.settled).toBe(false);
      await other.query("COMMIT");
      expect(await write.promise).toEqual([{ externalId: "c1", status: "applied" }]);
      expect(await redacting.promise).toMatchObject({ contactsRedacted: 1 });
    } finally {
      await other.query("ROLLBACK").catch(() => {});
      await write.promise.catch(() => {});
    }
    expect(await traces(organizationId, shop, 1)).toEqual({ contacts: 0, links: 0 });
  });

  it("a write that starts while a redaction runs waits for it, then is held by its suppressions", async () => {
    const { organizationId, shop } = await seed();
    // The redaction's audit row waits behind the table lock: by then it took its lock and recorded the suppressions
    // (uncommitted, so a write that did not wait would find none).
    await other.query("BEGIN");
    await other.query(`LOCK TABLE "AuditLog" IN SHARE MODE`);
    const redacting = tracked(redact(shop, 2));
    try {
      expect.soft(await untilWaiting({ table: "AuditLog" }, () => redacting.settled)).toBe(true);
      const write = tracked(webhookWrite(shop, 2));
      expect.soft(await untilWaiting("advisory", () => write.settled)).toBe(true);
      expect.soft(write.settled).toBe(false);
      await other.query("COMMIT");
      expect(await redacting.promise).toMatchObject({ suppressionKeys: 2 });
      // Applied: held records count as applied (nothing to retry); nothing of the person is written.
      expect(await write.promise).toEqual([{ externalId: "c2", status: "applied" }]);
    } finally {
      await other.query("ROLLBACK").catch(() => {});
      await redacting.promise.catch(() => {});
    }
    expect(await traces(organizationId, shop, 2)).toEqual({ contacts: 0, links: 0 });
  });
});
