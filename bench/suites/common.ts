/**
 * What every benchmark suite shares: the command line (`--quick`, `--suites`), fresh migrated databases, child
 * processes that print one JSON line, emulators started in their own processes, and the figures a suite reports.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import pg from "pg";

/** `--name value` from the command line, or `fallback`. */
export function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

/** `--quick`: every suite small, the whole bench in under two minutes (CI). */
export const QUICK = process.argv.includes("--quick");

/** The suites to run: `--suites ingest,shopify_full_sync,…` (default all). */
export function suiteSelected(name: string): boolean {
  const list = arg("suites", "");
  return list === "" || list.split(",").includes(name);
}

export const WORK_DIR = resolve("tmp/bench");
export const POSTGRES_ADMIN_URL =
  process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** The bench's port range (5100–5199 unless BENCH_PORT_BASE says otherwise). */
export const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 5100);

export type DatabaseKind = "sqlite" | "postgres";

/** Fresh migrated databases of one kind: each `fresh()` is a copy of one migrated template. */
export interface Databases {
  fresh(): Promise<string>;
  done(): Promise<void>;
}

function migrate(url: string) {
  execFileSync(process.execPath, ["--import", "tsx", "scripts/migrate.ts"], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
  });
}

export async function openDatabases(kind: DatabaseKind, label: string): Promise<Databases> {
  mkdirSync(WORK_DIR, { recursive: true });
  if (kind === "sqlite") {
    const template = resolve(WORK_DIR, `${label}-template.sqlite`);
    rmSync(template, { force: true });
    migrate(`file:${template}`);
    let n = 0;
    const files: string[] = [template];
    return {
      fresh: async () => {
        const file = resolve(WORK_DIR, `${label}-${n++}.sqlite`);
        for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
        copyFileSync(template, file);
        files.push(file);
        return `file:${file}`;
      },
      done: async () => {
        for (const file of files)
          for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
      },
    };
  }
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  const prefix = `bench_${label}_${process.pid}`;
  const urlFor = (name: string) => {
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/${name}`;
    return url.toString();
  };
  await admin.query(`CREATE DATABASE "${prefix}_template"`);
  const created: string[] = [`${prefix}_template`];
  migrate(urlFor(`${prefix}_template`));
  return {
    fresh: async () => {
      const name = `${prefix}_${created.length}`;
      await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${prefix}_template"`);
      created.push(name);
      return urlFor(name);
    },
    done: async () => {
      for (const name of created.reverse())
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** package.json's "worker" script (`npm run worker`), split into its tokens. */
function workerScriptTokens(): string[] {
  const scripts = (
    JSON.parse(readFileSync(resolve("package.json"), "utf8")) as { scripts: Record<string, string> }
  ).scripts;
  return scripts.worker.split(/\s+/).filter(Boolean);
}

/**
 * The Node flags `npm run worker` starts the job runtime with (package.json's "worker" script, e.g.
 * `--max-semi-space-size=8 --heap-growing-percent=50`): a child that measures the product's sync starts with the same ones.
 */
export function workerNodeFlags(): string[] {
  return workerScriptTokens().filter((token) => token.startsWith("--"));
}

/**
 * The environment `npm run worker` sets before its command (the script's leading `NAME=value` words, e.g.
 * `MALLOC_ARENA_MAX=2`, ADR 0036): a child that measures the product's sync gets the same.
 */
export function workerEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const token of workerScriptTokens()) {
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(token);
    if (!assignment) break;
    env[assignment[1]] = assignment[2];
  }
  return env;
}

/**
 * Runs `script` (TypeScript, through tsx) in a fresh Node process of the project's runtime and returns the JSON of
 * its last stdout line. Its stderr is passed through; a non-zero exit throws with it.
 */
export function runChild<T>(
  script: string,
  args: string[],
  options: { env?: Record<string, string>; timeoutMs?: number; nodeFlags?: string[] } = {},
): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const flags = [...(options.nodeFlags ?? []), "--import", "tsx"];
    const child = spawn(process.execPath, [...flags, script, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...options.env },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    const timer = options.timeoutMs
      ? setTimeout(() => child.kill("SIGKILL"), options.timeoutMs).unref()
      : undefined;
    child.on("exit", (code, signal) => {
      if (timer) clearTimeout(timer);
      const line = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0 || !line.startsWith("{")) {
        reject(
          new Error(
            `${script} ${args[0] ?? ""} failed (${code ?? signal}):\n${err.slice(-4000)}\n${out.slice(-2000)}`,
          ),
        );
        return;
      }
      resolvePromise(JSON.parse(line) as T);
    });
  });
}

/** A process started in the background (an emulator, the app), stopped with `stop()`. */
export interface Background {
  child: ChildProcess;
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `command args` in its own process group and waits until `ready(output)` returns the URL it serves on.
 * Stopping sends SIGTERM to the group (SIGKILL after 5 s).
 */
export async function startBackground(
  command: string,
  args: string[],
  ready: (output: string) => string | null | Promise<string | null>,
  options: { env?: Record<string, string>; timeoutMs?: number; logFile?: string } = {},
): Promise<Background> {
  const log = options.logFile ? openSync(options.logFile, "w") : null;
  const child = spawn(command, args, {
    stdio: log === null ? ["ignore", "pipe", "pipe"] : ["ignore", log, log],
    env: { ...process.env, ...options.env },
    detached: true,
  });
  if (log !== null) closeSync(log);
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
  child.stderr?.on("data", (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  let alive = true;
  void exited.then(() => (alive = false));
  const stop = async () => {
    if (!alive || child.pid === undefined) return;
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      return;
    }
    const killer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, 5_000);
    await exited;
    clearTimeout(killer);
  };
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    const url = await ready(output);
    if (url) return { child, url, output: () => output, stop };
    if (!alive)
      throw new Error(
        `${command} ${args.join(" ")} exited before it was ready:\n${options.logFile ? readFileSync(options.logFile, "utf8").slice(-5000) : output}`,
      );
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${command} ${args.join(" ")} was not ready in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts an emulator (`npm run emulator -- <platform> …`) in its own process; resolves with its URL. */
export function startEmulator(platform: "shopify" | "woocommerce", args: string[]): Promise<Background> {
  return startBackground(
    process.execPath,
    ["--import", "tsx", "emulators/cli.ts", platform, ...args],
    (output) => /listening on (http:\/\/[^\s]+)/.exec(output)?.[1] ?? null,
  );
}

/** Peak resident set size of this process so far, in MB (the kernel's high-water mark). */
export function peakRssMb(): number {
  return Number((process.resourceUsage().maxRSS / 1024).toFixed(1));
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); null elsewhere. */
export function processCpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

export const round = (n: number, digits = 0) => Number(n.toFixed(digits));

/**
 * CPU time (user + system, ms) used so far by process `pid` and every process below it (Linux /proc; null
 * elsewhere). Beside wall-clock figures, which move 2× run to run on a shared machine, this says what a server spent.
 */
export function processTreeCpuMs(pid: number): number | null {
  const ticksPerS = 100; // USER_HZ: 100 on every Linux this runs on
  const visit = (p: number): number => {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${p}/stat`, "utf8");
    } catch {
      return 0;
    }
    // Fields after the command name (which may hold spaces) in parentheses: utime is the 14th, stime the 15th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    let ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerS;
    let children = "";
    try {
      children = readFileSync(`/proc/${p}/task/${p}/children`, "utf8");
    } catch {
      // a process without the children file (older kernels): counted alone
    }
    for (const child of children.split(" ").filter(Boolean)) ms += visit(Number(child));
    return ms;
  };
  try {
    readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  return visit(pid);
}
