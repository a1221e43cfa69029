/**
 * The web app's job queue: one per process, on the app's Prisma client (`app/db.server.ts`). Routes enqueue through
 * it (`enqueueSync(await getJobQueue(), …)`, `enqueueWebhookEvent(await getJobQueue(), event)`), and the in-process
 * worker (worker/index.ts `startInProcessWorker`) runs jobs on the same instance.
 */
import prisma from "../db.server";
import { consoleLogger, createJobQueue, type JobQueue } from "./queue.server";
import { describeError } from "./types";

declare global {
  var __commerceSyncJobQueue: Promise<JobQueue> | undefined;
}

/** The process's queue, created on first use (kept on globalThis across development reloads). */
export function getJobQueue(): Promise<JobQueue> {
  global.__commerceSyncJobQueue ??= createJobQueue(prisma, {
    databaseUrl: process.env.DATABASE_URL,
    logger: consoleLogger,
    pgBoss: {
      onError: (error) => consoleLogger("warn", "pg-boss reported an error", { error: describeError(error) }),
    },
  }).catch((error) => {
    // Let the next call try again (e.g. the database was not up yet).
    global.__commerceSyncJobQueue = undefined;
    throw error;
  });
  return global.__commerceSyncJobQueue;
}
