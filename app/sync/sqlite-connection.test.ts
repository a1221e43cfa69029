import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/setup/db";
import {
  cachedStatementCount,
  connectionFor,
  MAX_CACHED_STATEMENTS,
  prepared,
  WAL_AUTOCHECKPOINT_PAGES,
} from "./sqlite-connection.server";
import { dialectFor } from "./sql.server";
import { seedOrganization } from "./testing/fixtures";
import { writeContacts } from "./writer/contacts.server";
import type { WriteContext } from "./writer/context";
import type { ContactRecord } from "./types";

function contact(i: number): ContactRecord {
  return {
    externalId: `c-${i}`,
    email: `person${i}@example.com`,
    firstName: "Ada",
    lastName: `N${i}`,
    phone: null,
    tags: [],
    customFields: {},
    marketingState: "not_subscribed",
    marketingOptInLevel: null,
    marketingUpdatedAt: null,
    externalUpdatedAt: new Date("2024-01-01T00:00:00Z"),
  } as ContactRecord;
}

class Rollback extends Error {}

describe("SQLite fast path (writer on the adapter's better-sqlite3 connection)", () => {
  let t: TestDatabase;
  let ctx: WriteContext;
  beforeAll(async () => {
    t = await createTestDatabase("sqlite");
    const { organizationId, integrationIds } = await seedOrganization(t.db);
    ctx = {
      dialect: dialectFor("sqlite"),
      organizationId,
      integrationId: integrationIds[0],
      platform: "memory",
      now: new Date(),
    };
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("is used only inside a transaction, on the transaction's own connection", async () => {
    expect(connectionFor(t.db)).toBeNull();
    const seen = await t.db.$transaction(async (tx) => {
      const connection = connectionFor(tx);
      expect(connection).not.toBeNull();
      await writeContacts(tx, ctx, [contact(1), contact(2)]);
      // Prisma, in the same transaction, sees the rows the fast path wrote: one connection, one transaction.
      return tx.contact.count({ where: { organizationId: ctx.organizationId } });
    });
    expect(seen).toBe(2);
    expect(await t.db.contactSource.count({ where: { integrationId: ctx.integrationId } })).toBe(2);
  });

  it("rolls back with the Prisma transaction (page and checkpoint stay atomic)", async () => {
    await expect(
      t.db.$transaction(async (tx) => {
        await writeContacts(tx, ctx, [contact(3), contact(4)]);
        await tx.syncRun.create({
          data: { integrationId: ctx.integrationId, kind: "full", status: "running" },
        });
        throw new Rollback("checkpoint failed");
      }),
    ).rejects.toBeInstanceOf(Rollback);
    expect(await t.db.contact.count({ where: { organizationId: ctx.organizationId } })).toBe(2);
    expect(await t.db.syncRun.count({ where: { integrationId: ctx.integrationId } })).toBe(0);
  });

  it("opens connections in WAL mode with synchronous = NORMAL and a larger autocheckpoint", async () => {
    const rows = await t.db.$transaction(async (tx) => {
      const connection = connectionFor(tx)!;
      return {
        journal: connection.pragma("journal_mode", { simple: true }),
        synchronous: connection.pragma("synchronous", { simple: true }),
        autocheckpoint: connection.pragma("wal_autocheckpoint", { simple: true }),
      };
    });
    // synchronous: 1 = NORMAL
    expect(rows).toEqual({
      journal: "wal",
      synchronous: 1n,
      autocheckpoint: BigInt(WAL_AUTOCHECKPOINT_PAGES),
    });
  });

  it("takes the write lock when a transaction begins, so another process's commit cannot make it fail half-way", async () => {
    // Another process (the app server storing webhooks) on the same file; it does not wait for locks.
    const other = new Database(t.url.slice("file:".length), { timeout: 0 });
    const otherWrite = () =>
      other.prepare(`UPDATE "Organization" SET "name" = 'Other' WHERE "id" = ?`).run(ctx.organizationId);
    try {
      let refused: unknown = null;
      await t.db.$transaction(async (tx) => {
        await tx.contact.count(); // a read first: with a deferred BEGIN this fixes the snapshot
        try {
          otherWrite();
        } catch (error) {
          refused = error;
        }
        // With a deferred BEGIN the other write commits and this write fails at once ("database is locked").
        await writeContacts(tx, ctx, [contact(50)]);
      });
      expect((refused as { code?: string } | null)?.code).toBe("SQLITE_BUSY");
      expect(await t.db.contactSource.count({ where: { externalId: "c-50" } })).toBe(1);
      // Once the transaction committed, the other process writes normally.
      expect(otherWrite().changes).toBe(1);
    } finally {
      other.close();
    }
  });

  it("prepares a few fixed-size statements however the page sizes vary (issue 12: native memory)", async () => {
    // Pages of 1..80 contacts: with one statement per distinct row count this prepared 80 statements per table
    // (each holding native memory until the GC finds it); fixed batch sizes need at most 1 + log2(batch) each.
    const count = await t.db.$transaction(async (tx) => {
      const connection = connectionFor(tx)!;
      const before = cachedStatementCount(connection);
      let next = 1000;
      for (let size = 1; size <= 80; size++) {
        await writeContacts(
          tx,
          ctx,
          Array.from({ length: size }, () => contact(next++)),
        );
      }
      return cachedStatementCount(connection) - before;
    });
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThanOrEqual(30);
    expect(await t.db.contactSource.count({ where: { integrationId: ctx.integrationId } })).toBe(
      3 + (80 * 81) / 2,
    );
  });

  it("keeps at most MAX_CACHED_STATEMENTS prepared statements per connection, least recently used dropped", () => {
    const db = new Database(":memory:");
    try {
      const first = prepared(db, "SELECT 0");
      for (let i = 1; i <= MAX_CACHED_STATEMENTS * 3; i++) {
        prepared(db, `SELECT ${i}`);
        // Used again on every round: the most recently used statement is never the one dropped.
        expect(prepared(db, "SELECT 0")).toBe(first);
      }
      expect(cachedStatementCount(db)).toBe(MAX_CACHED_STATEMENTS);
      expect(prepared(db, "SELECT 1")).not.toBe(prepared(db, "SELECT 0"));
    } finally {
      db.close();
    }
  });
});

describe("PostgreSQL", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase("postgres");
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("never takes the SQLite fast path", async () => {
    await t.db.$transaction(async (tx) => {
      expect(connectionFor(tx)).toBeNull();
    });
  });
});
