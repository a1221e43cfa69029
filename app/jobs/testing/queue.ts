/**
 * What the job queue tests share (queue-*.test.ts): the runner's own job kinds, and a jobs test database per kind with
 * queues on it (short leases, quick busy retries), all closed after the enclosing `describe`.
 */
import { afterAll } from "vitest";
import { useTestDatabase } from "../../../tests/setup/use-test-database";
import type { DatabaseKind } from "../../db/database-url";
import { createJobQueue, type JobQueue, type JobQueueOptions } from "../queue.server";
import { createJobsTestDatabase } from "./database";

export const FAST = { pollIntervalMs: 20 };

/** The runner is tested on kinds of its own. */
export interface TestJobs {
  "test.restart": { n: number };
  "test.crashed": { n: number };
  "test.keyed": { key: string; i: number };
  "test.dedupe": { v: number };
  "test.poison": Record<string, never>;
  "test.permanent": Record<string, never>;
  "test.long": { step: string };
  "test.locked": Record<string, never>;
  "test.store": { integrationId?: string; n?: number };
}

export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** For the enclosing `describe`: a `kind` jobs test database, and `queue` to open a queue on it. */
export function useQueueFixture(kind: DatabaseKind) {
  const t = useTestDatabase(kind, createJobsTestDatabase);
  const queues: JobQueue<TestJobs>[] = [];

  async function queue(options: JobQueueOptions = {}): Promise<JobQueue<TestJobs>> {
    const q = await createJobQueue<TestJobs>(t.db, {
      databaseUrl: t.url,
      leaseMs: 300,
      busyRetryDelayMs: 30,
      ...options,
      pgBoss: { maintenanceIntervalSeconds: 1, ...options.pgBoss },
    });
    queues.push(q);
    return q;
  }

  // Registered after the database's afterAll, so it runs before the database is dropped.
  afterAll(async () => {
    for (const q of queues) await q.close();
  });
  return { t, queue };
}
