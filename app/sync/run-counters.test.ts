/**
 * The store's counters (Integration.synced*) are counted by the database after each resource a run finishes; the
 * run's end records its outcome without counting them once more when nothing was written since (one COUNT of
 * each table per resource, not one more per run). Counted on SQLite through Prisma's query events.
 */
import { copyFileSync } from "node:fs";
import { resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sqliteTemplate, testTmp } from "../../tests/setup/paths";
import type { AppDb } from "../db/client.server";
import { runSync } from "./engine.server";
import { seedOrganization } from "./testing/fixtures";
import {
  createMemorySource,
  generated,
  syntheticCustomer,
  syntheticOrder,
  syntheticProduct,
} from "./testing/memory-source";

const COUNTERS_QUERY = 'COUNT(DISTINCT "contactId")';

describe("a run's counters", () => {
  let client: PrismaClient<{ log: [{ emit: "event"; level: "query" }] }>;
  let db: AppDb;
  const queries: string[] = [];
  const source = (failProducts = false) =>
    createMemorySource({
      pageSize: 50,
      customers: generated(120, (i) => syntheticCustomer(i)),
      orders: generated(150, (i) => syntheticOrder(i, { customerCount: 120, productCount: 10 })),
      products: generated(60, (i) => syntheticProduct(i)),
      ...(failProducts ? { failAfter: { resource: "products" as const, afterPages: 1 } } : {}),
    });
  const countersCounted = () => queries.filter((sql) => sql.includes(COUNTERS_QUERY)).length;

  beforeAll(() => {
    const file = resolve(testTmp(), `counters_${process.pid}_${randomBytes(4).toString("hex")}.sqlite`);
    copyFileSync(sqliteTemplate(), file);
    client = new PrismaClient({
      adapter: new PrismaBetterSQLite3({ url: `file:${file}` }),
      log: [{ emit: "event", level: "query" }],
    });
    client.$on("query", (event) => queries.push(event.query));
    db = Object.assign(client, { $kind: "sqlite" as const }) as unknown as AppDb;
  });
  afterAll(async () => client?.$disconnect());
  beforeEach(() => {
    queries.length = 0;
  });

  it("are counted once per resource read, not again when the run ends", async () => {
    const { integrationIds } = await seedOrganization(db);
    queries.length = 0;
    const summary = await runSync(db, { integrationId: integrationIds[0], kind: "full", source: source() });
    expect(summary.status).toBe("succeeded");
    expect(countersCounted()).toBe(3);
    const row = await db.integration.findUniqueOrThrow({ where: { id: integrationIds[0] } });
    expect([row.syncedContacts, row.syncedOrders, row.syncedProducts]).toEqual([135, 150, 60]);
    expect(row.status).toBe("connected");
    expect(row.lastSyncAt?.getTime()).toBe(summary.finishedAt?.getTime());
  });

  it("are counted when the run ends after its last resource stopped with pages written", async () => {
    const { integrationIds } = await seedOrganization(db);
    queries.length = 0;
    const summary = await runSync(db, {
      integrationId: integrationIds[0],
      kind: "full",
      source: source(true),
    });
    expect(summary.status).toBe("partial");
    // Customers and orders done (one each), and the end of the run for the page of products written since.
    expect(countersCounted()).toBe(3);
    const row = await db.integration.findUniqueOrThrow({ where: { id: integrationIds[0] } });
    expect([row.syncedContacts, row.syncedOrders, row.syncedProducts]).toEqual([135, 150, 50]);
    expect(row.status).toBe("needs_attention");
  });
});
