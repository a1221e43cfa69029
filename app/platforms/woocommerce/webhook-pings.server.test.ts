import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from "../../../tests/setup/db";
import {
  isUnreachableProblem,
  recordWebhookPing,
  unreachableProblem,
  webhookPingSince,
} from "./webhook-pings.server";

describe.each(DATABASE_KINDS)("WooCommerce creation pings on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("records a ping by integration id, refreshes it at most every 10 s, and answers 'since'", async () => {
    const id = `int-${kind}-1234`;
    const at = new Date("2026-12-02T10:00:00.000Z");
    expect(await webhookPingSince(t.db, id, at)).toBe(false);
    expect(await recordWebhookPing(t.db, id, at)).toBe(true);
    expect(await webhookPingSince(t.db, id, at)).toBe(true);
    // A ping long before the question is no proof.
    expect(await webhookPingSince(t.db, id, new Date(at.getTime() + 60_000))).toBe(false);
    // Within 10 s the row is left as it is (no write per ping); after, it moves.
    await recordWebhookPing(t.db, id, new Date(at.getTime() + 5_000));
    expect((await t.db.webhookPing.findUniqueOrThrow({ where: { integrationId: id } })).receivedAt).toEqual(
      at,
    );
    await recordWebhookPing(t.db, id, new Date(at.getTime() + 60_000));
    expect(await webhookPingSince(t.db, id, new Date(at.getTime() + 60_000))).toBe(true);
  });

  it("records nothing for an address without an integration id of the right shape, and drops day-old rows", async () => {
    const at = new Date("2026-12-03T10:00:00.000Z");
    for (const id of [null, "", "x", "../../etc", "a b c d e f g h", "é".repeat(10)]) {
      expect(await recordWebhookPing(t.db, id, at)).toBe(false);
    }
    await recordWebhookPing(t.db, `old-${kind}-5678`, at);
    await recordWebhookPing(t.db, `new-${kind}-5678`, new Date(at.getTime() + 25 * 3600_000));
    const left = (await t.db.webhookPing.findMany()).map((r) => r.integrationId);
    expect(left).toContain(`new-${kind}-5678`);
    expect(left).not.toContain(`old-${kind}-5678`);
  });

  it("writes at most 20 pings a second, whoever sends them", async () => {
    const at = new Date("2026-12-04T10:00:00.500Z");
    const results = [];
    for (let i = 0; i < 30; i++) results.push(await recordWebhookPing(t.db, `flood-${kind}-${i}-0000`, at));
    expect(results.filter(Boolean)).toHaveLength(20);
    // The next second has room again.
    expect(await recordWebhookPing(t.db, `flood-${kind}-next-0000`, new Date(at.getTime() + 1_000))).toBe(
      true,
    );
  });
});

describe("the unreachable-store problem", () => {
  it("names the app's origin, never the integration id, and is recognised when read back", () => {
    const problem = unreachableProblem("http://10.0.0.5:3000/api/webhooks/woocommerce?integration=abc");
    expect(problem).toMatch(/^The store could not reach Commerce Sync at http:\/\/10\.0\.0\.5:3000: /);
    expect(problem).not.toContain("abc");
    expect(isUnreachableProblem(problem)).toBe(true);
    expect(isUnreachableProblem("Something else")).toBe(false);
    expect(isUnreachableProblem(null)).toBe(false);
  });
});
