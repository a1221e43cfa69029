/**
 * What the job handler tests share (handlers-*.test.ts): a jobs test database per kind, queues on it, a test
 * platform the workers run with, workers, stored webhook events, and small sources.
 */
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import type { TestDatabase } from "../../../tests/setup/db";
import { useTestDatabase } from "../../../tests/setup/use-test-database";
import type { DatabaseKind } from "../../db/database-url";
import { testPlatform, testPlatforms } from "../../platforms/testing/test-platforms";
import type { Platforms, StorePlatform } from "../../sync/platform";
import {
  createMemorySource,
  syntheticCustomer,
  syntheticOrder,
  syntheticProduct,
} from "../../sync/testing/memory-source";
import type { Resource, SyncSource } from "../../sync/types";
import { createJobHandlers } from "../handlers.server";
import type { JobQueue } from "../queue.server";
import { createJobsTestDatabase, testQueues } from "./database";

export const PLATFORM = "memory-jobs";
const FAST = { pollIntervalMs: 20 };

export async function seed(t: TestDatabase, count = 1, settings: object[] = []) {
  const organizationId = randomUUID();
  await t.db.organization.create({ data: { id: organizationId, name: "Org" } });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const row = await t.db.integration.create({
      data: {
        organizationId,
        platform: PLATFORM,
        name: `Store ${i}`,
        storeKey: `store-${i}-${organizationId}`,
        settings: (settings[i] ?? {}) as object,
      },
    });
    ids.push(row.id);
  }
  return { organizationId, ids };
}

export function smallSource(extra: Parameters<typeof createMemorySource>[0] = {}): SyncSource {
  return createMemorySource({
    platform: PLATFORM,
    pageSize: 10,
    customers: Array.from({ length: 30 }, (_, i) => syntheticCustomer(i)),
    orders: Array.from({ length: 20 }, (_, i) => syntheticOrder(i, { customerCount: 30, productCount: 10 })),
    products: Array.from({ length: 10 }, (_, i) => syntheticProduct(i)),
    ...extra,
  });
}

/** Wraps a source so each read of a resource first awaits `before(resource, cursor)`. */
export function sourceBeforeReads(
  inner: SyncSource,
  before: (resource: Resource, cursor: string | null) => void | Promise<void>,
): SyncSource {
  const readers: SyncSource["readers"] = {};
  for (const [resource, reader] of Object.entries(inner.readers) as [
    Resource,
    NonNullable<SyncSource["readers"][Resource]>,
  ][]) {
    readers[resource] = {
      map: reader.map as never,
      async *read(cursor: string | null, signal: AbortSignal) {
        await before(resource, cursor);
        yield* reader.read(cursor, signal);
      },
    } as never;
  }
  return { ...inner, readers };
}

/** Wraps a source so each read first awaits `before()` (to prove two syncs run at the same time). */
export function gatedSource(inner: SyncSource, before: () => Promise<void>): SyncSource {
  return sourceBeforeReads(inner, () => before());
}

/**
 * For the enclosing `describe`: a `kind` jobs test database, queues on it (closed after each test), the platform
 * modules the workers run with (each test sets the ones it needs; reset after each test) and where exports go.
 */
export function useHandlerFixture(kind: DatabaseKind) {
  const t = useTestDatabase(kind, createJobsTestDatabase);
  const queues = testQueues(() => t);
  const fixture = {
    t,
    queue: queues.open,
    /** The platform modules the workers run with. */
    platforms: testPlatforms([]) as Platforms,
    exportDir: join(tmpdir(), "exports-unused"),
    serve(...modules: StorePlatform[]) {
      fixture.platforms = testPlatforms(modules);
    },
    /** The test platform with a source built by `createSource` and webhooks decided by `handleWebhook`. */
    memory(parts: Parameters<typeof testPlatform>[1]) {
      fixture.serve(testPlatform(PLATFORM, parts));
    },
    /** The job handlers a worker on `q` runs. */
    handlers: (q: JobQueue) =>
      createJobHandlers({
        db: t.db,
        queue: q,
        platforms: fixture.platforms,
        exportDir: fixture.exportDir,
        busyRetryDelayMs: 30,
      }),
    async worker(q: JobQueue, workerId: string, concurrency = 2) {
      await q.work(fixture.handlers(q), { workerId, concurrency, ...FAST });
    },
    /** Stores one webhook event of `integrationId` as the intake would. */
    storeEvent: (
      integrationId: string,
      topic: string,
      payload: object,
      receivedAt: Date,
      extra: { status?: string; attempts?: number } = {},
    ) =>
      t.db.webhookEvent.create({
        data: {
          integrationId,
          platform: PLATFORM,
          topic,
          dedupeKey: randomUUID(),
          storeKey: "s",
          payload: JSON.stringify(payload),
          receivedAt,
          ...extra,
        },
      }),
    /** A store's webhook events in order of receipt. */
    eventsOf: (integrationId: string) =>
      t.db.webhookEvent.findMany({ where: { integrationId }, orderBy: { receivedAt: "asc" } }),
  };
  afterEach(async () => {
    await queues.closeAll();
    fixture.platforms = testPlatforms([]);
  });
  return fixture;
}
