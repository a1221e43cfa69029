/**
 * `npm run worker`: the job runtime (app/jobs/runtime.server.ts) as its own process, until SIGINT/SIGTERM.
 *
 * On SQLite the web app runs the same runtime in-process by default (RUN_JOBS_IN_PROCESS=true); a separate worker
 * may run alongside, they share the Job table. On PostgreSQL run as many workers, on as many machines, as you like
 * (pg-boss and advisory locks keep them apart); set RUN_JOBS_IN_PROCESS=false on the web instances then.
 * Every setting comes from the validated environment (README, "Configuration").
 */
import { fileURLToPath } from "node:url";
import { createPrismaClient } from "../app/db/client.server";
import { parseEnv, type Env } from "../app/env.server";
import { jobSettingsFromEnv, startJobRuntime } from "../app/jobs/runtime.server";
import { describeError } from "../app/jobs/types";
import { createLogger, type Logger } from "../app/lib/logger";
import { buildPlatformsFromEnv } from "../app/platforms/index.server";
import type { Platforms } from "../app/sync/platform";

/** Runs the worker; resolves once it has started (it then stops on SIGINT/SIGTERM and exits the process). */
export async function main(source: Record<string, string | undefined> = process.env): Promise<void> {
  let env: Env;
  let log: Logger;
  let platforms: Platforms;
  try {
    env = parseEnv(source);
    log = createLogger(env.LOG_LEVEL);
    platforms = buildPlatformsFromEnv(env, log);
  } catch (error) {
    // One clear line per problem, then stop: a worker must not run half-configured.
    process.stderr.write(`The worker cannot start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const db = createPrismaClient(env.DATABASE_URL, { poolSize: env.DATABASE_POOL_SIZE });
  // The signal handlers are in place before the runtime starts (and logs "Worker started"): a SIGTERM that arrives
  // right after that line must stop the worker gracefully, not kill it with the default action.
  const starting = startJobRuntime({
    db,
    platforms,
    logger: log,
    settings: jobSettingsFromEnv(env, "worker"),
  });
  let signals = 0;
  const shutdown = (signal: string) => {
    signals += 1;
    if (signals > 1) {
      // A second Ctrl-C: leave now. Committed pages are safe; the run resumes from its checkpoint on restart.
      process.stderr.write(`Received ${signal} again; exiting without waiting.\n`);
      process.exit(130);
    }
    log("info", `Received ${signal}; finishing the current page of running jobs, then exiting`);
    void starting
      .then((runtime) => runtime.stop())
      .then(() => db.$disconnect())
      .then(
        () => process.exit(0),
        (error) => {
          process.stderr.write(`Shutdown failed: ${describeError(error)}\n`);
          process.exit(1);
        },
      );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  await starting;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    process.stderr.write(`The worker could not start: ${describeError(error)}\n`);
    process.exit(1);
  });
}
