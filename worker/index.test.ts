import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "../tests/setup/db";
import { createJobsTestDatabase as createTestDatabase } from "../app/jobs/testing/database";
import { TEST_ENV } from "../app/platforms/testing/test-platforms";

/** Runs `tsx worker/index.ts` with exactly `env`; resolves with its exit code and output once it exits. */
function startWorker(env: Record<string, string>) {
  // Node itself (tsx as a loader), so signals reach the worker and not a wrapper.
  const child = spawn(process.execPath, ["--import", "tsx", "worker/index.ts"], {
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("exit", (code) => resolve({ code, stdout, stderr })),
  );
  return { child, exited, stdout: () => stdout };
}

describe("worker process", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase("sqlite");
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("refuses to start with a bad environment, naming the variable in one line", async () => {
    const { exited } = startWorker({ ...TEST_ENV, DATABASE_URL: t.url, ENCRYPTION_KEY: "short" });
    const result = await exited;
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      "The worker cannot start: Invalid environment: ENCRYPTION_KEY must be 32 bytes encoded as base64 (44 chars) or hex (64 chars)",
    );
  });

  it("starts with the validated environment, logs at LOG_LEVEL, and stops on SIGTERM", async () => {
    const worker = startWorker({ ...TEST_ENV, DATABASE_URL: t.url, LOG_LEVEL: "info", WORKER_ID: "w-test" });
    while (!worker.stdout().includes('"message":"Worker started"')) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const started = JSON.parse(
      worker
        .stdout()
        .split("\n")
        .find((l) => l.includes("Worker started"))!,
    );
    expect(started).toMatchObject({ level: "info", workerId: "w-test", backend: "embedded", concurrency: 2 });
    worker.child.kill("SIGTERM");
    const result = await worker.exited;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"message":"Worker stopped"');
  });

  it("is started with Node flags this Node accepts and the same environment, for the worker, the web process and the CLI sync", () => {
    // ADR 0036: the memory flags and the malloc arena limit are part of how the product runs; a Node that drops a
    // flag refuses to start at all. `npm run sync` runs the same engine in-process, so it gets the same settings.
    const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> })
      .scripts;
    const nodeFlags = (script: string) =>
      script.split(/\s+/).filter((token) => token.startsWith("--") && token !== "--import");
    // The script's leading `NAME=value` words: the environment both processes start with (glibc reads
    // MALLOC_ARENA_MAX once, when the process starts, so it cannot be set from inside).
    const envWords = (script: string) => {
      const words = script.split(/\s+/);
      return words.slice(
        0,
        words.findIndex((word) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)),
      );
    };
    const workerFlags = nodeFlags(scripts.worker);
    expect(workerFlags).toContain("--heap-growing-percent=50");
    expect(nodeFlags(scripts.start)).toEqual(workerFlags);
    expect(nodeFlags(scripts.sync)).toEqual(workerFlags);
    expect(envWords(scripts.worker)).toContain("MALLOC_ARENA_MAX=2");
    expect(envWords(scripts.start)).toEqual(envWords(scripts.worker));
    expect(envWords(scripts.sync)).toEqual(envWords(scripts.worker));
    const result = spawnSync(process.execPath, [...workerFlags, "-e", "process.exit(0)"], {
      encoding: "utf8",
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
