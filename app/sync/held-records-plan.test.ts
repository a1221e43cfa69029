/**
 * ADR 0046, second addendum: on PostgreSQL, `HeldRecords.idAt` from either end walks the (integrationId, externalId)
 * index for the id it wants instead of sorting every row of the range, on a table with statistics. Each query
 * `idAt` sends is also explained (`EXPLAIN (FORMAT JSON)`, same parameters) and its plan read.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/setup/db";
import { sqlDate } from "../db/sql-date";
import { heldRecords } from "./held-records.server";
import type { AppDb } from "./platform";

const PREFIX = "gid://shopify/Order/";
const ROWS = 50_000;
const LONG = 100;

interface PlanNode {
  "Node Type": string;
  "Scan Direction"?: string;
  Plans?: PlanNode[];
}

function nodesOf(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodesOf)];
}

describe("held id ranges on postgres", () => {
  let t: TestDatabase;
  let integrationId: string;

  beforeAll(async () => {
    t = await createTestDatabase("postgres");
    const organizationId = randomUUID();
    await t.db.organization.create({ data: { id: organizationId, name: "Plans" } });
    integrationId = (
      await t.db.integration.create({
        data: { organizationId, platform: "shopify", name: "plans", storeKey: "plans.myshopify.com" },
      })
    ).id;
    const date = sqlDate("postgres", new Date("2026-11-01T00:00:00.000Z"));
    // 13-digit ids 3 apart, then LONG 16-digit ones past 2^53 (two digit lengths, as in the bench).
    await t.db.$executeRawUnsafe(
      `INSERT INTO "Order" ("id", "organizationId", "integrationId", "externalId", "orderNumber", "platform",
         "totalMinor", "currency", "orderDate", "externalUpdatedAt", "createdAt", "updatedAt")
       SELECT 'o' || i, $1::text, $2::text, $3::text || CASE WHEN i > ${ROWS - LONG}
           THEN (9007199254740993::numeric + i)::text ELSE (5000000000000::numeric + 3 * i)::text END,
         '#' || i, 'shopify', 100, 'USD', $4::timestamp(3), $4::timestamp(3), $4::timestamp(3), $4::timestamp(3)
       FROM generate_series(1, ${ROWS}) AS s(i)`,
      organizationId,
      integrationId,
      PREFIX,
      date,
    );
    await t.db.$executeRawUnsafe(`ANALYZE "Order"`);
  }, 120_000);
  afterAll(() => t?.cleanup());

  /** `db`, with every `idAt` query (the one with OFFSET) explained first; the plans in order. */
  function explaining() {
    const plans: PlanNode[] = [];
    const db = new Proxy(t.db, {
      get(target, property, receiver) {
        if (property !== "$queryRawUnsafe") return Reflect.get(target, property, receiver) as unknown;
        return async (sql: string, ...params: unknown[]) => {
          if (sql.includes(" OFFSET ")) {
            const [row] = await target.$queryRawUnsafe<{ "QUERY PLAN": [{ Plan: PlanNode }] }[]>(
              `EXPLAIN (FORMAT JSON) ${sql}`,
              ...params,
            );
            plans.push(row["QUERY PLAN"][0].Plan);
          }
          return target.$queryRawUnsafe(sql, ...params);
        };
      },
    });
    return { db: db as unknown as AppDb, plans };
  }

  it("finds the last and the first id by walking the index, without sorting the range", async () => {
    const { db, plans } = explaining();
    const held = heldRecords(db, integrationId, "orders");
    const seenBefore = new Date("2030-01-01T00:00:00.000Z");
    const filter = { idPrefix: PREFIX };
    const all = { from: 0n, to: null };
    expect(await held.idAt(all, -1, seenBefore, filter)).toBe(`${PREFIX}${9007199254740993n + BigInt(ROWS)}`);
    expect(await held.idAt(all, 0, seenBefore, filter)).toBe(`${PREFIX}5000000000003`);
    expect(plans).toHaveLength(2);
    const [last, first] = plans.map((plan) => nodesOf(plan));
    for (const nodes of [last, first]) {
      expect(nodes.map((n) => n["Node Type"])).not.toContain("Sort");
      expect(nodes.map((n) => n["Node Type"])).not.toContain("Seq Scan");
    }
    expect(last.find((n) => n["Node Type"] === "Index Scan")?.["Scan Direction"]).toBe("Backward");
    expect(first.find((n) => n["Node Type"] === "Index Scan")?.["Scan Direction"]).toBe("Forward");
  });
});
