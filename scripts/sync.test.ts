import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS, type TestDatabase } from "../tests/setup/db";
import { createJobsTestDatabase as createTestDatabase } from "../app/jobs/testing/database";
import { createLockProvider } from "../app/jobs/queue.server";
import { testPlatform, testPlatforms } from "../app/platforms/testing/test-platforms";
import type { Platforms } from "../app/sync/platform";
import type { SyncSource } from "../app/sync/types";
import {
  createMemorySource,
  syntheticCustomer,
  syntheticOrder,
  syntheticProduct,
  type MemoryOrder,
} from "../app/sync/testing/memory-source";
import { main, parseArgs, USAGE } from "./sync";

const PLATFORM = "memory-cli";

function capture(isTTY = false) {
  let text = "";
  return {
    stream: { write: (chunk: string) => (text += chunk), isTTY, columns: 100 },
    text: () => text,
  };
}

describe("sync CLI arguments", () => {
  it("parses the documented flags", () => {
    expect(parseArgs(["--integration", "abc"])).toEqual({ integrationId: "abc", full: false });
    expect(parseArgs(["--integration=abc", "--full", "--resource", "orders,customers"])).toEqual({
      integrationId: "abc",
      full: true,
      resources: ["orders", "customers"],
    });
    expect(parseArgs(["--help"])).toBe("help");
  });

  it.each([
    [[], "--integration <id> is required."],
    [["--integration"], "--integration needs a value."],
    [["--integration", "x", "--resource", "carts"], 'Unknown resource "carts"'],
    [["--integration", "x", "--fast"], 'Unknown argument "--fast".'],
  ])("exits 2 with the usage line for %j", async (argv, message) => {
    const out = capture();
    const err = capture();
    expect(await main(argv, { stdout: out.stream, stderr: err.stream })).toBe(2);
    expect(err.text()).toContain(message);
    expect(err.text()).toContain(USAGE);
    expect(out.text()).toBe("");
  });
});

describe("sync CLI environment", () => {
  it("refuses to start, naming each bad variable, when it cannot build its platforms", async () => {
    const out = capture();
    const err = capture();
    const code = await main(["--integration", "abc"], {
      stdout: out.stream,
      stderr: err.stream,
      env: { SHOPIFY_API_KEY: "k", SHOPIFY_APP_URL: "https://app.example.com", ENCRYPTION_KEY: "short" },
    });
    expect(code).toBe(1);
    expect(err.text()).toBe(
      "The sync cannot start: Invalid environment: SHOPIFY_API_SECRET is required but not set\n" +
        "Invalid environment: ENCRYPTION_KEY must be 32 bytes encoded as base64 (44 chars) or hex (64 chars)\n",
    );
    expect(out.text()).toBe("");
  });
});

describe.each(DATABASE_KINDS)("sync CLI on %s", (kind) => {
  let t: TestDatabase;
  let platforms: Platforms = testPlatforms([]);

  /** The CLI's platforms: one test platform whose source `createSource` builds. */
  function serve(createSource: () => SyncSource) {
    platforms = testPlatforms([testPlatform(PLATFORM, { createSource })]);
  }

  async function integration(): Promise<string> {
    const organizationId = randomUUID();
    await t.db.organization.create({ data: { id: organizationId, name: "Org" } });
    const row = await t.db.integration.create({
      data: { organizationId, platform: PLATFORM, name: "Test Store", storeKey: `store-${organizationId}` },
    });
    return row.id;
  }

  function run(argv: string[], options: { tty?: boolean; signal?: AbortSignal } = {}) {
    const out = capture(options.tty);
    const err = capture();
    return main(argv, {
      stdout: out.stream,
      stderr: err.stream,
      db: t.db,
      databaseUrl: t.url,
      platforms,
      progressIntervalMs: 0,
      signal: options.signal,
    }).then((code) => ({ code, stdout: out.text(), stderr: err.text() }));
  }

  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterEach(() => {
    platforms = testPlatforms([]);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("runs a full sync, shows progress and a summary table, and exits 0", async () => {
    const id = await integration();
    serve(() =>
      createMemorySource({
        platform: PLATFORM,
        pageSize: 10,
        customers: Array.from({ length: 25 }, (_, i) => syntheticCustomer(i)),
        orders: Array.from({ length: 12 }, (_, i) => syntheticOrder(i, { customerCount: 25 })),
        products: Array.from({ length: 5 }, (_, i) => syntheticProduct(i)),
      }),
    );
    const result = await run(["--integration", id, "--full"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Full sync of Test Store (memory-cli");
    expect(result.stdout).toMatch(/progress customers: 25\/25 100% \(done\) \| orders: 12\/12 100% \(done\)/);
    expect(result.stdout).toMatch(/Resource\s+Synced\s+Failed\s+Errors/);
    expect(result.stdout).toMatch(/\ncustomers\s+25\s+0\n/);
    expect(result.stdout).toMatch(/\norders\s+12\s+0\n/);
    expect(result.stdout).toMatch(/\nproducts\s+5\s+0\n/);
    expect(result.stdout).toMatch(/Run \S+: succeeded in \d+\.\ds/);
    const runRow = await t.db.syncRun.findFirstOrThrow({ where: { integrationId: id } });
    expect(runRow).toMatchObject({ kind: "full", triggeredBy: "cli", status: "succeeded" });
  });

  it("draws progress bars on a terminal and syncs only the resource asked for", async () => {
    const id = await integration();
    serve(() =>
      createMemorySource({
        platform: PLATFORM,
        pageSize: 5,
        customers: Array.from({ length: 10 }, (_, i) => syntheticCustomer(i)),
        orders: Array.from({ length: 10 }, (_, i) => syntheticOrder(i, { customerCount: 10 })),
      }),
    );
    const result = await run(["--integration", id, "--resource", "customers"], { tty: true });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("\x1b[2Kcustomers  ████████████████████████ 10/10 100%  done");
    expect(result.stdout).not.toMatch(/\norders /);
    expect(await t.db.order.count({ where: { integrationId: id } })).toBe(0);
  });

  it("exits 1 with failed records counted and their errors truncated in the table", async () => {
    const id = await integration();
    const orders: MemoryOrder[] = Array.from({ length: 6 }, (_, i) =>
      syntheticOrder(i, { customerCount: 3 }),
    );
    orders[2] = { ...orders[2], total: `not-a-price-${"x".repeat(200)}` };
    orders[4] = { ...orders[4], currency: "" };
    serve(() => createMemorySource({ platform: PLATFORM, pageSize: 10, orders }));
    const result = await run(["--integration", id, "--resource", "orders"]);
    expect(result.code).toBe(1);
    const row = result.stdout.split("\n").find((l) => l.startsWith("orders "));
    expect(row).toMatch(/^orders\s+4\s+2\s+o2: Could not read record: .*… \(\+1 more\)$/);
    expect(row!.length).toBeLessThanOrEqual(120);
    expect(result.stdout).toMatch(/: partial in .* \(2 errors\)/);
  });

  it("exits 1 when the store cannot be read at all", async () => {
    const id = await integration();
    serve(() =>
      createMemorySource({
        platform: PLATFORM,
        customers: Array.from({ length: 10 }, (_, i) => syntheticCustomer(i)),
        failAfter: { resource: "customers", afterPages: 0, message: "Store answered 503" },
      }),
    );
    const result = await run(["--integration", id, "--resource", "customers"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/: failed in/);
    expect(result.stderr).toContain("Store answered 503");
  });

  it("names an unknown integration clearly", async () => {
    const result = await run(["--integration", "does-not-exist"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No integration with id "does-not-exist"');
    expect(result.stdout).toBe("");
  });

  it("refuses to run while a worker holds the store's sync lock", async () => {
    const id = await integration();
    serve(() => createMemorySource({ platform: PLATFORM, customers: [] }));
    const locks = createLockProvider(t.db, { databaseUrl: t.url });
    const held = await locks.tryAcquire(`sync:${id}`, "worker-1");
    try {
      const result = await run(["--integration", id]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("A sync of Test Store is already running");
      expect(await t.db.syncRun.count({ where: { integrationId: id } })).toBe(0);
    } finally {
      await held?.release();
      await locks.close();
    }
    // Released: the CLI runs.
    expect((await run(["--integration", id])).code).toBe(0);
  });

  it("stops after the current page when interrupted and exits 130", async () => {
    const id = await integration();
    const controller = new AbortController();
    serve(() =>
      createMemorySource({
        platform: PLATFORM,
        pageSize: 5,
        customers: Array.from({ length: 50 }, (_, i) => syntheticCustomer(i)),
        onPage: (_resource, pageIndex) => {
          if (pageIndex === 2) controller.abort();
        },
      }),
    );
    const result = await run(["--integration", id, "--full"], { signal: controller.signal });
    expect(result.code).toBe(130);
    expect(result.stderr).toContain("Interrupted");
    const synced = await t.db.contactSource.count({ where: { integrationId: id } });
    expect(synced).toBeGreaterThan(0);
    expect(synced).toBeLessThan(50);
  });
});
