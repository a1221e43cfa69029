/**
 * `webhook_drain.{sqlite,postgres}`: the worker's side of webhooks. One store holds N stored `orders/updated` events
 * (70 % distinct orders, 3 line items each; a repeated order comes back 0.7 N events later, with a newer
 * `updated_at`), and `webhook.drain` jobs apply them as the worker does: oldest first, each drain handing over to the
 * next at its budget (ADR 0035). The floor, in the same run and a fresh database: the same N order bodies written by
 * the engine alone (`applyRecords`, one transaction per 100 records), with no event to read, decide or close.
 */
import { randomUUID } from "node:crypto";
import { createPrismaClient } from "../../app/db/client.server";
import { createJobQueue } from "../../app/jobs/queue.server";
import { drainWebhookEvents } from "../../app/jobs/webhook-drain.server";
import { testPlatform, testPlatforms } from "../../app/platforms/testing/test-platforms";
import { applyRecords } from "../../app/sync/apply.server";
import type { AppDb, WebhookDecision } from "../../app/sync/platform";
import { mapMemoryOrder, syntheticOrder, type MemoryOrder } from "../../app/sync/testing/memory-source";
import { openDatabases, QUICK, round, type DatabaseKind } from "./common";
import { ratio, type Figure, type SuiteResult } from "./figures";

const PLATFORM = "bench-webhooks";
const FLOOR_BATCH = 100;

/** The N order bodies the store sent, in order of receipt. */
function deliveries(events: number): MemoryOrder[] {
  const distinct = Math.floor(events * 0.7);
  const base = Date.parse("2026-04-01T00:00:00Z");
  return Array.from({ length: events }, (_, i) => ({
    ...syntheticOrder(i % distinct, { customerCount: 2_000, productCount: 200 }),
    updated_at: new Date(base + i * 1000).toISOString(),
  }));
}

async function seedStore(db: AppDb): Promise<string> {
  const organization = await db.organization.create({ data: { name: "Bench" } });
  const integration = await db.integration.create({
    data: {
      organizationId: organization.id,
      platform: PLATFORM,
      name: "Bench store",
      storeKey: `bench-${randomUUID()}`,
    },
  });
  return integration.id;
}

async function drainRun(url: string, bodies: MemoryOrder[]) {
  const db = createPrismaClient(url) as unknown as AppDb;
  const queue = await createJobQueue(db, { databaseUrl: url });
  try {
    const integrationId = await seedStore(db);
    const receivedAt = Date.now();
    const rows = bodies.map((body, i) => ({
      integrationId,
      platform: PLATFORM,
      topic: "orders/updated",
      dedupeKey: randomUUID(),
      storeKey: "bench",
      resourceId: body.id,
      payload: JSON.stringify(body),
      receivedAt: new Date(receivedAt + i),
    }));
    for (let i = 0; i < rows.length; i += 1_000)
      await db.webhookEvent.createMany({ data: rows.slice(i, i + 1_000) });
    const platforms = testPlatforms([
      testPlatform(PLATFORM, {
        handleWebhook: async (_event, body): Promise<WebhookDecision> => ({
          action: "apply",
          resource: "orders",
          remote: [body],
          map: (remote: unknown) => mapMemoryOrder(remote as MemoryOrder),
        }),
      }),
    ]);
    const deps = { db, queue, platforms };
    const started = performance.now();
    let drains = 0;
    let writes = 0;
    for (;;) {
      const report = await drainWebhookEvents(deps, { integrationId });
      drains += 1;
      writes += report.writes;
      if (report.failed + report.deferred > 0)
        throw new Error(`webhook drain: ${JSON.stringify(report)} (every event should apply)`);
      if (!report.continued) break;
    }
    const seconds = (performance.now() - started) / 1000;
    const processed = await db.webhookEvent.count({ where: { integrationId, status: "processed" } });
    const orders = await db.order.count({ where: { integrationId } });
    const distinct = new Set(bodies.map((b) => b.id)).size;
    if (processed !== bodies.length || orders !== distinct)
      throw new Error(`webhook drain: ${processed} of ${bodies.length} events processed, ${orders} orders`);
    return { seconds, drains, writes };
  } finally {
    await queue.close();
    await db.$disconnect();
  }
}

async function floorRun(url: string, bodies: MemoryOrder[]) {
  const db = createPrismaClient(url) as unknown as AppDb;
  try {
    const integrationId = await seedStore(db);
    const started = performance.now();
    for (let i = 0; i < bodies.length; i += FLOOR_BATCH) {
      const outcomes = await applyRecords(db, {
        integrationId,
        resource: "orders",
        remote: bodies.slice(i, i + FLOOR_BATCH),
        map: (remote: unknown) => mapMemoryOrder(remote as MemoryOrder),
        refreshCounters: false,
      });
      if (outcomes.some((o) => o.status === "failed"))
        throw new Error("webhook drain floor: a record failed");
    }
    return { seconds: (performance.now() - started) / 1000 };
  } finally {
    await db.$disconnect();
  }
}

export async function webhookDrain(kinds: DatabaseKind[]): Promise<SuiteResult> {
  const events = QUICK ? 1_000 : 20_000;
  const bodies = deliveries(events);
  const json: Record<string, unknown> = {};
  const figures: Figure[] = [];
  for (const kind of kinds) {
    const dbs = await openDatabases(kind, "drain");
    try {
      process.stdout.write(`  ${kind} drain ${events.toLocaleString("en-US")} events … `);
      const drain = await drainRun(await dbs.fresh(), bodies);
      console.log(
        `${Math.round(events / drain.seconds)} events/s, ${drain.writes} writes, ${drain.drains} drains`,
      );
      process.stdout.write(`  ${kind} floor ${events.toLocaleString("en-US")} records … `);
      const floor = await floorRun(await dbs.fresh(), bodies);
      console.log(`${Math.round(events / floor.seconds)} records/s`);
      const entry = {
        events,
        events_per_s: Math.round(events / drain.seconds),
        seconds: round(drain.seconds, 2),
        writes: drain.writes,
        drains: drain.drains,
        floor_records_per_s: Math.round(events / floor.seconds),
        floor_over_drain: ratio(drain.seconds, floor.seconds),
      };
      json[kind] = entry;
      figures.push({
        name: `webhook_drain.${kind}.events_per_s`,
        value: entry.events_per_s,
        against: { label: "floor: the engine write alone", value: entry.floor_records_per_s },
        ratio: entry.floor_over_drain,
        target: "(reported)",
        met: null,
      });
    } finally {
      await dbs.done();
    }
  }
  return { json, figures };
}
