/**
 * The pg-boss backend's lease (PostgreSQL): a running job is claimed until `started_on + expire_in`, which `renew`
 * moves to now + lease while its worker lives. A job whose worker stopped renewing is taken back by pg-boss's
 * maintenance within the lease, not hours later, and the worker that lost it does not touch it again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "../../tests/setup/db";
import type { ClaimedJob, QueueBackend } from "./backend";
import { createPgBossBackend } from "./pgboss-backend.server";
import { createJobsTestDatabase } from "./testing/database";
import { until } from "../../tests/setup/until";

const KIND = "test.leased";

describe("pg-boss job lease", () => {
  let t: TestDatabase;
  let backend: QueueBackend;

  beforeAll(async () => {
    t = await createJobsTestDatabase("postgres");
    backend = createPgBossBackend(t.url, {
      leaseSeconds: 1,
      maintenanceIntervalSeconds: 1,
      extraKinds: [KIND],
    });
    await backend.start();
  });
  afterAll(async () => {
    await backend?.close();
    await t?.cleanup();
  });

  const running = () => backend.listJobs({ kinds: [KIND], status: "running" });

  it("GIVEN a claimed job WHEN its worker renews THEN it stays claimed past the lease, with its end visible; WHEN the worker stops renewing THEN it is retried within the lease", async () => {
    await backend.enqueue(KIND, { n: 1 }, { maxAttempts: 3, backoff: { initialDelayMs: 0 } });
    const job = (await backend.claim([KIND], "w1")) as ClaimedJob;
    expect(job).toMatchObject({ payload: { n: 1 }, attempt: 1 });

    const [claimed] = await running();
    const leaseMs = claimed.leaseExpiresAt!.getTime() - Date.now();
    expect(leaseMs).toBeGreaterThan(-500);
    expect(leaseMs).toBeLessThan(2_500);

    // Three leases long, renewed every third of one (what the runner does): maintenance never takes it.
    const renewedUntil = Date.now() + 3_000;
    while (Date.now() < renewedUntil) {
      expect(await backend.renew(job, "w1")).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
    }
    expect((await running()).map((j) => j.id)).toEqual([job.id]);

    // The worker "dies": no more renewals. Maintenance (every second) fails it by timeout and pg-boss retries it.
    await until(async () => (await running()).length === 0, { timeoutMs: 20_000, everyMs: 100 });
    const [back] = await backend.listJobs({ kinds: [KIND] });
    expect(back).toMatchObject({ id: job.id, status: "queued" });

    // The old claim is gone: renewing says so (the runner aborts the handler), and its outcome is not recorded.
    expect(await backend.renew(job, "w1")).toBe(false);
    expect(await backend.fail(job, "w1", { message: "too late", code: null }, true)).toBe("retrying");
    await backend.defer(job, "w1", 0);
    await backend.complete(job, "w1");
    expect(await backend.listJobs({ kinds: [KIND] })).toEqual([
      expect.objectContaining({ id: job.id, status: "queued", attempts: 1 }),
    ]);

    // The retry runs as the second attempt.
    let retried: ClaimedJob | null = null;
    await until(async () => (retried = await backend.claim([KIND], "w2")) !== null, {
      timeoutMs: 20_000,
      everyMs: 100,
    });
    expect(retried).toMatchObject({ id: job.id, attempt: 2, payload: { n: 1 } });
    await backend.complete(retried!, "w2");
    expect((await backend.listJobs({ kinds: [KIND] }))[0]).toMatchObject({ status: "succeeded" });
  });
});
