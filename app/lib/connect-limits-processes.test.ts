import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from "../../tests/setup/db";

const PROCESSES = 3;
const ATTEMPTS_EACH = 15;
const LIMIT = 10;

/** A line the child printed that matches `pattern` (rejects when it exits first). */
function line(child: ChildProcessWithoutNullStreams, pattern: RegExp, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const found = buffer.split("\n").find((l) => pattern.test(l));
      if (found) {
        child.stdout.off("data", onData);
        resolve(found);
      }
    };
    child.stdout.on("data", onData);
    child.once("exit", (code) =>
      reject(new Error(`child exited (${code}) before ${pattern}: ${buffer} ${stderr()}`)),
    );
  });
}

describe.each(DATABASE_KINDS)("connect limits shared by app processes on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it(`lets ${LIMIT} of ${PROCESSES * ATTEMPTS_EACH} simultaneous attempts from one address through, across ${PROCESSES} processes`, async () => {
    const env = {
      ...process.env,
      DATABASE_URL: t.url,
      ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      CONNECT_LIMIT_PER_IP: String(LIMIT),
    };
    const children = Array.from({ length: PROCESSES }, () => {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "app/lib/testing/connect-limit-child.ts", String(ATTEMPTS_EACH)],
        { env, stdio: ["pipe", "pipe", "pipe"] },
      );
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      return { child, stderr: () => stderr };
    });
    await Promise.all(children.map(({ child, stderr }) => line(child, /^ready$/, stderr)));
    const results = children.map(({ child, stderr }) => line(child, /^\{/, stderr));
    for (const { child } of children) child.stdin.end("go\n");
    const outcomes = (await Promise.all(results)).map(
      (text) => JSON.parse(text) as { allowed: number; refused: number },
    );
    expect(outcomes.reduce((sum, o) => sum + o.allowed, 0)).toBe(LIMIT);
    expect(outcomes.reduce((sum, o) => sum + o.refused, 0)).toBe(PROCESSES * ATTEMPTS_EACH - LIMIT);
    const [row] = await t.db.$queryRawUnsafe<{ count: number | bigint }[]>(
      `SELECT "count" FROM "RateLimitCounter"`,
    );
    expect(Number(row.count)).toBe(PROCESSES * ATTEMPTS_EACH);
  });
});
