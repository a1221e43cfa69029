import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../../tests/setup/db";
import { resumeInterruptedRuns } from "./engine.server";
import { findInterruptedRuns } from "./run-records.server";
import { seedOrganization } from "./testing/fixtures";
import { KILL_TEST_EXPECTED, killTestSource } from "./testing/kill-source";

/**
 * A real crash: a child process syncs into a file SQLite database, or PostgreSQL (where the writer COPYs into staging
 * tables on the page transaction's connection), and is SIGKILLed mid-run (possibly inside a page transaction). The
 * run is then resumed in this process and must end with exact counts and no duplicates.
 */
describe.each(DATABASE_KINDS)("kill -9 during a sync (%s)", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("resumes the killed run from its checkpoint with exact counts", async () => {
    const {
      integrationIds: [integrationId],
    } = await seedOrganization(t.db);
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "app/sync/testing/kill-child.ts", integrationId],
      {
        env: { ...process.env, DATABASE_URL: t.url },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    // Kill once orders are being written (customers done, some orders committed), whatever the machine's speed.
    const killedAt = await new Promise<number>((resolve, reject) => {
      let buffer = "";
      child.stdout.on("data", (chunk) => {
        buffer += chunk;
        const done = [...buffer.matchAll(/progress (\d+)/g)].map((m) => Number(m[1]));
        const last = done.at(-1) ?? 0;
        if (last >= 1200 + 500) {
          child.kill("SIGKILL");
          resolve(last);
        }
      });
      child.on("exit", (code, signal) => {
        if (signal !== "SIGKILL") reject(new Error(`child exited early (${code}): ${buffer} ${stderr}`));
      });
    });
    await new Promise((resolve) => child.once("close", resolve));
    expect(killedAt).toBeLessThan(3000);

    const [interrupted] = await findInterruptedRuns(t.db, { staleAfterMs: 0, now: new Date(Date.now() + 1) });
    expect(interrupted.integrationId).toBe(integrationId);
    const before = await t.db.syncRun.findUniqueOrThrow({ where: { id: interrupted.id } });
    expect(before.status).toBe("running");
    expect(before.contactsSynced).toBe(1200);
    expect(before.ordersSynced).toBeGreaterThan(0);
    // Counters were refreshed when the customers finished, before the crash.
    expect((await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } })).syncedContacts).toBe(
      1200,
    );

    const [summary] = await resumeInterruptedRuns(t.db, "worker-after-crash", {
      staleAfterMs: 0,
      now: new Date(Date.now() + 1),
      source: killTestSource(),
    });
    expect(summary.runId).toBe(interrupted.id);
    expect(summary.status).toBe("succeeded");
    expect(summary.resources).toEqual({
      customers: { success: true, synced: 1200, failed: 0, errors: [] },
      orders: { success: true, synced: 1500, failed: 0, errors: [] },
      products: { success: true, synced: 300, failed: 0, errors: [] },
    });
    expect({
      contacts: await t.db.contact.count(),
      orders: await t.db.order.count(),
      items: await t.db.orderItem.count(),
      products: await t.db.product.count(),
      variants: await t.db.productVariant.count(),
    }).toEqual(KILL_TEST_EXPECTED);
    const integration = await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
    expect(integration).toMatchObject({
      status: "connected",
      syncedContacts: 1350,
      syncedOrders: 1500,
      syncedProducts: 300,
    });
  });
});
