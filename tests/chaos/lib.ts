/**
 * Chaos suite helpers: real worker and app processes (spawned, killed with SIGKILL, restarted), the environment they
 * share with the test, waits on the database, and the suite's narration ("did …", "checked …").
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { mkdirSync, openSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { expect } from "vitest";
import { TEST_ENV } from "../../app/platforms/testing/test-platforms";
import { isTransientDatabaseError } from "../../app/db/transient-errors";
import type { AppDb } from "../../app/sync/platform";

/** Fixed loopback ports of this suite (6100–6199); scenarios run one at a time. */
export const PORTS = { app: 6100, shopify: 6101, woo: 6102, pgProxy: 6103 } as const;

const LOG_DIR = resolve("tmp/chaos");

/** Prints one line of the scenario's story: what it did, what it checked. */
export function did(line: string): void {
  process.stdout.write(`  [did]     ${line}\n`);
}
export function checked(line: string): void {
  process.stdout.write(`  [checked] ${line}\n`);
}

/** The environment a worker or app process of the suite runs with (valid test secrets, local emulators). */
export function processEnv(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...TEST_ENV,
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    ALLOW_PRIVATE_STORE_URLS: "true",
    JOB_POLL_INTERVAL_MS: "100",
    SCHEDULER_TICK_MS: "1000",
    RECONCILE_INTERVAL_MINUTES: "0",
    SHUTDOWN_TIMEOUT_MS: "5000",
    STORE_REQUEST_TIMEOUT_MS: "3000",
    LOG_LEVEL: "info",
    DATA_EXPORT_DIR: join(LOG_DIR, "exports"),
    ...extra,
  };
}

/** A child process of the suite with its log file; `kill9()` is a real SIGKILL. */
export class ChaosProcess {
  private child: ChildProcess | null = null;
  private exitPromise: Promise<void> = Promise.resolve();
  readonly logFile: string;

  constructor(
    readonly name: string,
    private readonly argv: string[],
    private readonly env: Record<string, string>,
  ) {
    mkdirSync(LOG_DIR, { recursive: true });
    this.logFile = join(LOG_DIR, `${name}.log`);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): this {
    const out = openSync(this.logFile, "a");
    const child = spawn(process.execPath, this.argv, {
      stdio: ["ignore", out, out],
      env: { ...process.env, ...this.env },
    });
    this.child = child;
    this.exitPromise = new Promise((done) => child.once("exit", () => done()));
    return this;
  }

  /** SIGKILL: no handler runs, nothing is flushed. */
  async kill9(): Promise<void> {
    if (!this.running) throw new Error(`${this.name} is not running (see ${this.logFile})`);
    this.child!.kill("SIGKILL");
    await this.exitPromise;
  }

  /** Graceful stop (SIGTERM), then SIGKILL if it does not exit in time. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child!.kill("SIGTERM");
    const timer = setTimeout(() => this.child?.kill("SIGKILL"), timeoutMs);
    await this.exitPromise;
    clearTimeout(timer);
  }
}

/** `npm run worker` as its own process (tsx, like the npm script). */
export function workerProcess(name: string, env: Record<string, string>): ChaosProcess {
  return new ChaosProcess(name, ["--import", "tsx", "worker/index.ts"], env);
}

/**
 * The production app server: `server.ts` on the build (what `npm start` runs), started by node itself so a SIGKILL
 * reaches the server and not a wrapper (as scripts/lib/processes.ts `startAppServer` does).
 */
export function appProcess(name: string, env: Record<string, string>): ChaosProcess {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return new ChaosProcess(name, ["--import", tsx, "server.ts"], env);
}

/**
 * Polls `probe` until it returns a value that is not null/false, or throws naming `what`. A probe that fails with a
 * transient database error is polled again: the suite's own connections die with the worker's when a scenario
 * terminates the database's backends (a pooled idle connection can be handed out before its close is noticed).
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | false | undefined>,
  timeoutMs = 90_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let value: T | null | false | undefined;
    try {
      value = await probe();
    } catch (error) {
      if (!isTransientDatabaseError(error) || Date.now() > deadline) throw error;
      value = null;
    }
    if (value !== null && value !== false && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The latest run of an integration. */
export function latestRun(db: AppDb, integrationId: string) {
  return db.syncRun.findFirst({ where: { integrationId }, orderBy: { startedAt: "desc" } });
}

/** Waits until every run of the integration finished and none is running; returns the runs, oldest first. */
export async function waitForIdle(db: AppDb, integrationId: string, timeoutMs = 120_000) {
  return waitFor(
    "the integration's runs to finish",
    async () => {
      const runs = await db.syncRun.findMany({ where: { integrationId }, orderBy: { startedAt: "asc" } });
      if (runs.length === 0 || runs.some((r) => r.status === "running")) return null;
      if (db.$kind !== "sqlite") return runs;
      const jobs = await db.job.count({
        // Jobs due now (a failed sync's retry minutes later is not waited for).
        where: {
          kind: { not: "__lock" },
          OR: [{ status: "running" }, { status: "queued", runAt: { lte: new Date() } }],
        },
      });
      return jobs === 0 ? runs : null;
    },
    timeoutMs,
    250,
  );
}

/** No record is stored twice: one contact per normalized email per organization, one row per external id. */
export async function expectNoDuplicates(db: AppDb): Promise<void> {
  const dupes = async (sql: string) => (await db.$queryRawUnsafe<Array<{ n: bigint | number }>>(sql)).length;
  const found = {
    contacts: await dupes(
      `SELECT 1 AS n FROM "Contact" WHERE "email" IS NOT NULL GROUP BY "organizationId", lower(trim("email")) HAVING COUNT(*) > 1`,
    ),
    contactSources: await dupes(
      `SELECT 1 AS n FROM "ContactSource" GROUP BY "integrationId", "externalId" HAVING COUNT(*) > 1`,
    ),
    orders: await dupes(
      `SELECT 1 AS n FROM "Order" GROUP BY "integrationId", "externalId" HAVING COUNT(*) > 1`,
    ),
    products: await dupes(
      `SELECT 1 AS n FROM "Product" GROUP BY "integrationId", "externalId" HAVING COUNT(*) > 1`,
    ),
  };
  expect(found, "records stored more than once").toEqual({
    contacts: 0,
    contactSources: 0,
    orders: 0,
    products: 0,
  });
}
