import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env.server";

const VALID = {
  DATABASE_URL: "file:./data/test.sqlite",
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://app.example.com",
  ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
};

function errorOf(source: Record<string, string | undefined>): EnvError {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  throw new Error("expected parseEnv to throw");
}

describe("environment validation", () => {
  it("accepts a complete environment and applies defaults", () => {
    const env = parseEnv(VALID);
    expect(env.PORT).toBe(3000);
    expect(env.RUN_JOBS_IN_PROCESS).toBe(true);
    expect(env.SCOPES).toContain("read_all_orders");
  });

  it("names a missing SHOPIFY_API_SECRET in one line", () => {
    const { SHOPIFY_API_SECRET: _omit, ...rest } = VALID;
    const error = errorOf(rest);
    expect(error.message).toBe("Invalid environment: SHOPIFY_API_SECRET is required but not set");
  });

  it("names every bad variable, one per line", () => {
    const error = errorOf({
      ...VALID,
      DATABASE_URL: "mysql://x",
      ENCRYPTION_KEY: "short",
      SHOPIFY_APP_URL: "nope",
    });
    const lines = error.message.split("\n");
    expect(lines).toHaveLength(3);
    expect(lines.some((l) => l.startsWith("Invalid environment: DATABASE_URL must start with file:"))).toBe(
      true,
    );
    expect(lines.some((l) => l.startsWith("Invalid environment: ENCRYPTION_KEY must be 32 bytes"))).toBe(
      true,
    );
    expect(lines.some((l) => l.startsWith("Invalid environment: SHOPIFY_APP_URL"))).toBe(true);
  });

  it("says what a number variable accepts and what it was set to", () => {
    const error = errorOf({
      ...VALID,
      PORT: "abc",
      WORKER_CONCURRENCY: "1.5",
      JOB_POLL_INTERVAL_MS: "5",
      STORE_REQUEST_TIMEOUT_MS: "30s",
      DATABASE_POOL_SIZE: "500",
    });
    expect(error.message.split("\n").sort()).toEqual([
      "Invalid environment: DATABASE_POOL_SIZE must be a whole number of connections from 1 to 200 (got 500)",
      "Invalid environment: JOB_POLL_INTERVAL_MS must be a whole number of milliseconds, at least 20 (got 5)",
      'Invalid environment: PORT must be a whole number from 1 to 65535 (got "abc")',
      'Invalid environment: STORE_REQUEST_TIMEOUT_MS must be a whole number of milliseconds from 100 to 600000 (got "30s")',
      'Invalid environment: WORKER_CONCURRENCY must be a whole number of jobs from 1 to 64 (got "1.5")',
    ]);
  });

  it("reads a blank number variable as not set (an empty RECONCILE_INTERVAL_MINUTES read as 0, off)", () => {
    const env = parseEnv({
      ...VALID,
      RECONCILE_INTERVAL_MINUTES: "",
      PORT: "  ",
      SHUTDOWN_TIMEOUT_MS: " 500 ",
    });
    expect(env).toMatchObject({ RECONCILE_INTERVAL_MINUTES: 60, PORT: 3000, SHUTDOWN_TIMEOUT_MS: 500 });
    expect(parseEnv({ ...VALID, RECONCILE_INTERVAL_MINUTES: "0" }).RECONCILE_INTERVAL_MINUTES).toBe(0);
  });

  it("limits connect attempts to 10 per address per 10 minutes and 30 per organization per hour, trusting no proxy", () => {
    expect(parseEnv(VALID)).toMatchObject({
      TRUST_PROXY: 0,
      CONNECT_LIMIT_PER_IP: 10,
      CONNECT_LIMIT_PER_IP_WINDOW_SECONDS: 600,
      CONNECT_LIMIT_PER_ORGANIZATION: 30,
      CONNECT_LIMIT_PER_ORGANIZATION_WINDOW_SECONDS: 3600,
    });
    // Express's `trust proxy = true` trusts every hop (a client could name any address): here it is a count.
    expect(
      errorOf({ ...VALID, TRUST_PROXY: "true", CONNECT_LIMIT_PER_IP: "0" })
        .message.split("\n")
        .sort(),
    ).toEqual([
      "Invalid environment: CONNECT_LIMIT_PER_IP must be a whole number of attempts from 1 to 100000 (got 0)",
      'Invalid environment: TRUST_PROXY must be a whole number of proxies from 0 to 10 (got "true")',
    ]);
  });

  it("accepts a hex key and rejects a 31-byte key", () => {
    expect(parseEnv({ ...VALID, ENCRYPTION_KEY: "ab".repeat(32) }).ENCRYPTION_KEY).toHaveLength(64);
    expect(
      errorOf({ ...VALID, ENCRYPTION_KEY: Buffer.alloc(31).toString("base64") }).issues[0].variable,
    ).toBe("ENCRYPTION_KEY");
  });

  it("stops the process with the message when loaded at boot", async () => {
    const { execFileSync } = await import("node:child_process");
    let stderr = "";
    let status = 0;
    try {
      execFileSync("npx", ["tsx", "-e", "import('./app/env.server.ts').then(m => m.loadEnv())"], {
        env: { PATH: process.env.PATH, NODE_ENV: "test", ...VALID, SHOPIFY_API_SECRET: "", PORT: "abc" },
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (error) {
      const e = error as { status: number; stderr: Buffer };
      status = e.status;
      stderr = e.stderr.toString();
    }
    expect(status).toBe(1);
    expect(stderr).toContain("Invalid environment: SHOPIFY_API_SECRET");
    expect(stderr).toContain('Invalid environment: PORT must be a whole number from 1 to 65535 (got "abc")');
    expect(stderr).not.toContain("received nan");
  });
});

describe("environment documentation", () => {
  const documented = (text: string, pattern: RegExp) => new Set([...text.matchAll(pattern)].map((m) => m[1]));

  it(".env.example and the README table name every variable the schema reads", async () => {
    const { readFileSync } = await import("node:fs");
    const { envSchema } = await import("./env.server");
    const keys = Object.keys(envSchema.shape);
    const example = documented(readFileSync(".env.example", "utf8"), /^#?\s*([A-Z][A-Z0-9_]+)=/gm);
    const readme = documented(readFileSync("README.md", "utf8"), /^\| `([A-Z][A-Z0-9_]+)`\s*\|/gm);
    for (const key of keys.filter((k) => k !== "NODE_ENV")) {
      expect(example.has(key), `.env.example documents ${key}`).toBe(true);
      expect(readme.has(key), `README documents ${key}`).toBe(true);
    }
  });

  it("README and .env.example show the scopes the app asks for (SHOPIFY_SCOPES)", async () => {
    const { readFileSync } = await import("node:fs");
    const { SHOPIFY_SCOPES } = await import("./env.server");
    const scopes = SHOPIFY_SCOPES.join(",");
    expect(readFileSync("README.md", "utf8")).toMatch(
      new RegExp(`^\\| \`SCOPES\`\\s*\\|[^|]*\\| \`${scopes}\` \\|`, "m"),
    );
    expect(readFileSync(".env.example", "utf8")).toMatch(new RegExp(`^#?\\s*SCOPES=${scopes}$`, "m"));
  });
});
