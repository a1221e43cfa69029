/**
 * `npm run sync -- --integration <id> [--full] [--resource customers|orders|products]`
 *
 * Runs one sync in the foreground through the engine, holding the same per-store lock as queued sync jobs (so it
 * never overlaps a worker's sync of that store), shows a live progress bar per resource on a terminal (plain
 * periodic lines otherwise, e.g. in CI) and prints a summary table.
 *
 * Exit codes: 0 the run succeeded; 1 it failed, finished with failed records (partial), could not start (unknown
 * store, another sync running); 2 bad arguments; 130 interrupted (Ctrl-C; committed pages are kept).
 */
import { fileURLToPath } from "node:url";
import { createPrismaClient, type AppDb } from "../app/db/client.server";
import { parseEnv, type Env } from "../app/env.server";
import { syncLockKey } from "../app/jobs/enqueue.server";
import { createLockProvider } from "../app/jobs/queue.server";
import { isAppError } from "../app/lib/errors";
import { createLogger } from "../app/lib/logger";
import { buildPlatformsFromEnv } from "../app/platforms/index.server";
import { runSync } from "../app/sync/engine.server";
import type { Platforms } from "../app/sync/platform";
import { RESOURCES, type ProgressSnapshot, type Resource, type SyncRunSummary } from "../app/sync/types";

export const USAGE =
  "Usage: npm run sync -- --integration <id> [--full] [--resource customers|orders|products]";

export interface CliOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  /** Defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** Use this database instead of opening DATABASE_URL (tests). */
  db?: AppDb;
  databaseUrl?: string;
  /** Use these platform modules instead of building the app's from the environment (tests). */
  platforms?: Platforms;
  /** Aborting it interrupts the run like Ctrl-C (tests); the script wires SIGINT/SIGTERM to it. */
  signal?: AbortSignal;
  /** Minimum time between plain progress lines when stdout is not a terminal (default 2000 ms). */
  progressIntervalMs?: number;
}

export interface CliArgs {
  integrationId: string;
  full: boolean;
  resources?: Resource[];
}

export class UsageError extends Error {}

/** Parses the CLI arguments; throws UsageError with a one-line reason. */
export function parseArgs(argv: string[]): CliArgs | "help" {
  let integrationId: string | undefined;
  let full = false;
  const resources: Resource[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=") ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === "" || (inline === undefined && v.startsWith("--"))) {
        throw new UsageError(`${flag} needs a value.`);
      }
      return v;
    };
    switch (flag) {
      case "--help":
      case "-h":
        return "help";
      case "--integration":
        integrationId = value();
        break;
      case "--full":
        if (inline !== undefined) throw new UsageError("--full takes no value.");
        full = true;
        break;
      case "--resource":
        for (const r of value().split(",")) {
          const name = r.trim();
          if (!(RESOURCES as readonly string[]).includes(name)) {
            throw new UsageError(`Unknown resource "${name}": use ${RESOURCES.join(", ")}.`);
          }
          if (!resources.includes(name as Resource)) resources.push(name as Resource);
        }
        break;
      default:
        throw new UsageError(`Unknown argument "${arg}".`);
    }
  }
  if (!integrationId) throw new UsageError("--integration <id> is required.");
  return { integrationId, full, ...(resources.length ? { resources } : {}) };
}

const BAR_WIDTH = 24;

function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

function progressLine(resource: Resource, r: ProgressSnapshot["resources"][Resource], tty: boolean): string {
  const done = (r?.synced ?? 0) + (r?.failed ?? 0);
  const total = r?.total ?? null;
  const state = r?.done ? "done" : done > 0 ? "" : "waiting";
  const ratio = total ? Math.min(1, done / total) : r?.done ? 1 : 0;
  const count = total !== null ? `${formatCount(done)}/${formatCount(total)}` : formatCount(done);
  const percent = total ? ` ${Math.floor(ratio * 100)}%` : "";
  const failed = r?.failed ? `, ${formatCount(r.failed)} failed` : "";
  if (!tty) return `${resource}: ${count}${percent}${failed}${state ? ` (${state})` : ""}`;
  const filled = Math.round(ratio * BAR_WIDTH);
  const bar =
    total || r?.done ? `${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)}` : "░".repeat(BAR_WIDTH);
  return `${resource.padEnd(10)} ${bar} ${count}${percent}${failed}${state ? `  ${state}` : ""}`;
}

/** Live progress: redrawn bars on a terminal, throttled plain lines elsewhere. */
class ProgressView {
  private drawnLines = 0;
  private lastPlainAtMs = 0;
  private lastPlain = "";
  private lastDrawAtMs = 0;

  constructor(
    private readonly out: CliOutput,
    private readonly resources: Resource[],
    private readonly plainIntervalMs: number,
  ) {}

  update(snapshot: ProgressSnapshot, final = false) {
    const nowMs = Date.now();
    if (this.out.isTTY) {
      if (!final && nowMs - this.lastDrawAtMs < 100) return;
      this.lastDrawAtMs = nowMs;
      const lines = this.resources.map((r) => progressLine(r, snapshot.resources[r], true));
      // Move up over the previous frame and rewrite each line in place.
      const up = this.drawnLines ? `\x1b[${this.drawnLines}A` : "";
      this.out.write(`${up}${lines.map((l) => `\x1b[2K${l}\n`).join("")}`);
      this.drawnLines = lines.length;
      return;
    }
    const text = this.resources.map((r) => progressLine(r, snapshot.resources[r], false)).join(" | ");
    if (text === this.lastPlain) return;
    if (!final && nowMs - this.lastPlainAtMs < this.plainIntervalMs) return;
    this.lastPlainAtMs = nowMs;
    this.lastPlain = text;
    this.out.write(`progress ${text}\n`);
  }
}

function truncate(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** The summary table printed after a run. */
export function summaryTable(summary: SyncRunSummary, width = 100): string {
  const rows = (Object.keys(summary.resources) as Resource[]).map((resource) => {
    const r = summary.resources[resource]!;
    const first = r.errors[0] ? truncate(r.errors[0], Math.max(20, width - 40)) : "";
    const more = r.errors.length > 1 ? ` (+${r.errors.length - 1} more)` : "";
    return [resource, formatCount(r.synced), formatCount(r.failed), `${first}${more}`];
  });
  const header = ["Resource", "Synced", "Failed", "Errors"];
  const widths = [0, 1, 2].map((i) => Math.max(header[i].length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    [cells[0].padEnd(widths[0]), cells[1].padStart(widths[1]), cells[2].padStart(widths[2]), cells[3]]
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w)).concat("------")), ...rows.map(line)].join(
    "\n",
  );
}

/** Runs the CLI; returns the process exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let args: CliArgs | "help";
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (args === "help") {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // Everything is read through the validated environment; a process that cannot build its platforms stops here.
  let env: Env | null = null;
  let platforms: Platforms;
  try {
    if (!io.platforms || !io.db || !io.databaseUrl) env = parseEnv(io.env ?? process.env);
    platforms = io.platforms ?? buildPlatformsFromEnv(env!, createLogger(env!.LOG_LEVEL));
  } catch (error) {
    io.stderr.write(`The sync cannot start: ${(error as Error).message}\n`);
    return 1;
  }
  const databaseUrl = io.databaseUrl ?? env!.DATABASE_URL;
  const ownDb = !io.db;
  const db = io.db ?? createPrismaClient(databaseUrl, { poolSize: env!.DATABASE_POOL_SIZE });
  try {
    const integration = await db.integration.findUnique({ where: { id: args.integrationId } });
    if (!integration) {
      io.stderr.write(
        `No integration with id "${args.integrationId}" in ${db.$kind === "sqlite" ? databaseUrl : "the PostgreSQL database"}. ` +
          `Copy the id from the app's Integrations page, or check DATABASE_URL.\n`,
      );
      return 1;
    }
    if (integration.status === "disconnected") {
      io.stderr.write(`${integration.name} is disconnected; reconnect it before syncing.\n`);
      return 1;
    }
    const locks = createLockProvider(db, { databaseUrl });
    const lock = await locks.tryAcquire(syncLockKey(integration.id), `cli:${process.pid}`);
    if (!lock) {
      await locks.close();
      io.stderr.write(
        `A sync of ${integration.name} is already running (in a worker or another terminal). Try again when it finishes.\n`,
      );
      return 1;
    }

    const kind = args.full ? "full" : "incremental";
    const resources = args.resources ?? [...RESOURCES];
    io.stdout.write(
      `${args.full ? "Full" : "Incremental"} sync of ${integration.name} (${integration.platform}, ${integration.storeKey})` +
        `: ${args.resources ? args.resources.join(", ") : "all resources"}\n`,
    );
    const controller = new AbortController();
    const abort = () => controller.abort();
    io.signal?.addEventListener("abort", abort, { once: true });
    lock.signal.addEventListener("abort", abort, { once: true });
    let view: ProgressView | null = null;
    let summary: SyncRunSummary;
    try {
      summary = await runSync(db, {
        integrationId: integration.id,
        kind,
        ...(args.resources ? { resources: args.resources } : {}),
        sources: platforms,
        workerId: `cli:${process.pid}`,
        triggeredBy: "cli",
        signal: controller.signal,
        onProgress: (snapshot) => {
          view ??= new ProgressView(
            io.stdout,
            resources.filter((r) => r in snapshot.resources),
            io.progressIntervalMs ?? 2_000,
          );
          view.update(snapshot, snapshot.status !== "running");
        },
      });
    } catch (error) {
      // Raised on purpose (another run alive, unknown platform, unreadable credentials): the message says it all.
      if (isAppError(error)) {
        io.stderr.write(`${error.message}\n`);
        return 1;
      }
      throw error;
    } finally {
      io.signal?.removeEventListener("abort", abort);
      await lock.release();
      await locks.close();
    }

    const seconds = summary.finishedAt
      ? ((summary.finishedAt.getTime() - summary.startedAt.getTime()) / 1000).toFixed(1)
      : "?";
    io.stdout.write(`\n${summaryTable(summary, io.stdout.columns ?? 100)}\n\n`);
    io.stdout.write(`Run ${summary.runId}: ${summary.status} in ${seconds}s`);
    io.stdout.write(
      summary.errorCount > 0
        ? ` (${formatCount(summary.errorCount)} error${summary.errorCount === 1 ? "" : "s"})\n`
        : "\n",
    );
    if (summary.errorMessage) io.stderr.write(`${summary.errorMessage}\n`);
    if (summary.status === "succeeded") return 0;
    if (summary.status === "cancelled") {
      io.stderr.write("Interrupted: pages already written are kept; the next sync continues from there.\n");
      return 130;
    }
    return 1;
  } finally {
    if (ownDb) await db.$disconnect();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    process.stderr.write("\nStopping after the current page… (Ctrl-C again to quit at once)\n");
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    signal: controller.signal,
  }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`Sync failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
