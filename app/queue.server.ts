/**
 * The web app's job queue: one per process, on the app's Prisma client (`app/db.server.ts`). Routes enqueue through
 * it (`enqueueSync(await getJobQueue(), {…})`, `enqueueWebhookEvent(await getJobQueue(), event)` from
 * app/jobs/enqueue.server.ts), and the in-process job runtime (entry.server.tsx) works on the same instance.
 */
import prisma from "./db.server";
import { loadEnv } from "./env.server";
import { createJobQueue, type JobQueue } from "./jobs/queue.server";
import { appLogger } from "./logger.server";

declare global {
  var __commerceSyncJobQueue: Promise<JobQueue> | undefined;
}

/** The process's queue, created on first use (kept on globalThis across development reloads). */
export function getJobQueue(): Promise<JobQueue> {
  const env = loadEnv();
  global.__commerceSyncJobQueue ??= createJobQueue(prisma, {
    databaseUrl: env.DATABASE_URL,
    logger: appLogger(),
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  }).catch((error) => {
    // Let the next call try again (e.g. the database was not up yet).
    global.__commerceSyncJobQueue = undefined;
    throw error;
  });
  return global.__commerceSyncJobQueue;
}
