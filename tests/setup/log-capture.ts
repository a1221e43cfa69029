/* eslint-disable no-console -- this module wraps every console method to capture what the app logs */
/**
 * Log capture for the secret scan (issue 12, item 4). In every test worker (installLogCapture, from per-file.ts):
 * every console call and every direct process.stdout/stderr write — which is where app/lib/logger.ts and the
 * libraries write — is also appended to tmp/test-logs/<run>/<test file>.log, and the secrets the file's environment
 * held (SHOPIFY_API_SECRET, ENCRYPTION_KEY, …, plus anything passed to registerSecret) to a .secrets.json beside it.
 * After the whole run (scanCapturedLogs, from the global teardown) every captured line is scanned for those values
 * and for token shapes (scripts/lib/secret-scan.ts); a finding fails the run naming file and line, and the logs are
 * kept for reading. Helpers that give the app their own log sink (tests/security/http-app.ts) call captureLine.
 *
 * Not captured: output of child processes a test spawns with inherited stdio (it bypasses this process), and
 * console calls a test replaces with a mock (it asserts them itself).
 */
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { basename, relative, resolve } from "node:path";
import { format } from "node:util";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { formatFindings, scanText, type Finding } from "../../scripts/lib/secret-scan";

const ENV_SECRETS = ["SHOPIFY_API_SECRET", "ENCRYPTION_KEY", "ENCRYPTION_KEYS_OLD", "SHOPIFY_API_KEY_SECRET"];

function logDir(runId: string): string {
  return resolve("tmp/test-logs", runId);
}

let target: string | null = null;
const secrets: Record<string, string> = {};

/** Appends one captured line (or several) to this test file's log. */
export function captureLine(text: string): void {
  if (!target) return;
  appendFileSync(target, text.endsWith("\n") ? text : `${text}\n`);
}

/** A secret value this test file used that the scan must look for (beyond the environment's). */
export function registerSecret(name: string, value: string): void {
  secrets[name] = value;
}

function recordEnvSecrets() {
  for (const name of ENV_SECRETS) {
    const value = process.env[name];
    if (value)
      for (const part of value.split(",")) secrets[`${name} #${part.length}:${part.slice(-4)}`] = part;
  }
}

function flushSecrets() {
  if (target) writeFileSync(target.replace(/\.log$/, ".secrets.json"), JSON.stringify(secrets));
}

export function installLogCapture(): void {
  const runId = process.env.COMMERCE_SYNC_TEST_RUN;
  if (!runId) return;
  const dir = logDir(runId);
  mkdirSync(dir, { recursive: true });
  target = resolve(dir, `worker-${process.pid}.log`);
  for (const method of ["log", "info", "warn", "error", "debug", "trace"] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      captureLine(format(...args));
      original(...args);
    };
  }
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...a: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      captureLine(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
  beforeAll(() => {
    const testPath = expect.getState().testPath;
    if (testPath) {
      const name = relative(process.cwd(), testPath).replace(/[\\/]/g, "__");
      target = resolve(dir, `${name}.${process.pid}.log`);
    }
    recordEnvSecrets();
  });
  afterEach(recordEnvSecrets);
  afterAll(() => {
    recordEnvSecrets();
    flushSecrets();
  });
}

/** Scans every captured log of the run; throws naming file and line when a secret is found. */
export function scanCapturedLogs(runId: string): { files: number; lines: number } {
  const dir = logDir(runId);
  if (!existsSync(dir)) return { files: 0, lines: 0 };
  const files = readdirSync(dir);
  // Every file's secrets are searched in every log: a value leaked by one file into another's output is found too.
  const known: Record<string, string> = {};
  for (const f of files.filter((f) => f.endsWith(".secrets.json")))
    for (const [name, value] of Object.entries(JSON.parse(readFileSync(resolve(dir, f), "utf8")) as object))
      if (typeof value === "string") known[`${name} (${basename(f, ".secrets.json")})`] = value;
  let lines = 0;
  const findings: Finding[] = [];
  for (const f of files.filter((f) => f.endsWith(".log"))) {
    const text = readFileSync(resolve(dir, f), "utf8");
    lines += text.split("\n").length - 1;
    findings.push(...scanText(`tmp/test-logs/${runId}/${f}`, text, known));
  }
  if (findings.length > 0) {
    throw new Error(
      `Secrets in the logs captured during the test run (${findings.length}; logs kept in tmp/test-logs/${runId}):\n${formatFindings(findings)}`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
  return { files: files.filter((f) => f.endsWith(".log")).length, lines };
}
