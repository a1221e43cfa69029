/**
 * The pg-boss backend's lease (PostgreSQL): a running job is claimed until `started_on + expire_in`, which `renew`
 * moves to now + lease while its worker lives. A job whose worker stopped renewing is taken back by pg-boss's
 * maintenance within the lease, not hours later, and the worker that lost it does not touch it again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "../../tests/setup/db";
import type { ClaimedJob, QueueBackend } from "./backend";
import { createPgBossBackend, errorCodeFromOutput, PGBOSS_EXPIRED_MESSAGE } from "./pgboss-backend.server";
import { createJobsTestDatabase } from "./testing/database";
import { until } from "../../tests/setup/until";
import { JOB_WORKER_LOST } from "./types";

const KIND = "test.leased";
const LOST = "test.lost";

describe("pg-boss job lease", () => {
  let t: TestDatabase;
  let backend: QueueBackend;

  beforeAll(async () => {
    t = await createJobsTestDatabase("postgres");
    backend = createPgBossBackend(t.url, {
      leaseSeconds: 1,
      maintenanceIntervalSeconds: 1,
      extraKinds: [KIND, LOST],
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

  it("GIVEN a job whose worker stops on each attempt WHEN pg-boss expires it THEN the code is JOB_WORKER_LOST with pg-boss's message, on a retry and on the last attempt's failure", async () => {
    const lost = (status: string) => async () =>
      (await backend.listJobs({ kinds: [LOST] }))[0]?.status === status;
    const claim = async (workerId: string) => {
      let job: ClaimedJob | null = null;
      await until(async () => (job = await backend.claim([LOST], workerId)) !== null, {
        timeoutMs: 20_000,
        everyMs: 100,
      });
      return job as unknown as ClaimedJob;
    };
    const { id } = await backend.enqueue(LOST, { n: 2 }, { maxAttempts: 3, backoff: { initialDelayMs: 0 } });

    // Attempt 1 fails with a code of its own: retried with it.
    const first = await claim("w1");
    await backend.fail(
      first,
      "w1",
      { message: "The store did not answer.", code: "woocommerce_timeout" },
      true,
    );
    expect((await backend.listJobs({ kinds: [LOST] }))[0]).toMatchObject({
      id,
      status: "queued",
      lastErrorCode: "woocommerce_timeout",
    });

    // Attempt 2's worker dies (no renewals): pg-boss puts it back, its output now the expiry, which the code tells.
    expect(await claim("w2")).toMatchObject({ id, attempt: 2 });
    await until(lost("queued"), { timeoutMs: 20_000, everyMs: 100 });
    expect((await backend.listJobs({ kinds: [LOST] }))[0]).toMatchObject({
      id,
      attempts: 2,
      lastError: PGBOSS_EXPIRED_MESSAGE,
      lastErrorCode: JOB_WORKER_LOST,
    });

    // The last attempt's worker dies too: failed for good, with the code.
    expect(await claim("w3")).toMatchObject({ id, attempt: 3 });
    await until(lost("failed"), { timeoutMs: 20_000, everyMs: 100 });
    expect(await backend.listJobs({ kinds: [LOST], status: "failed" })).toEqual([
      expect.objectContaining({
        id,
        attempts: 3,
        lastError: PGBOSS_EXPIRED_MESSAGE,
        lastErrorCode: JOB_WORKER_LOST,
      }),
    ]);
  });
});

describe("errorCodeFromOutput", () => {
  it("reads fail's code, pg-boss's expiry as JOB_WORKER_LOST, and nothing else as a code", () => {
    expect(errorCodeFromOutput({ message: "Attempt 1/1: x", code: "woocommerce_auth" })).toBe(
      "woocommerce_auth",
    );
    expect(errorCodeFromOutput({ value: { message: PGBOSS_EXPIRED_MESSAGE } })).toBe(JOB_WORKER_LOST);
    expect(errorCodeFromOutput({ value: { message: "some other failure" } })).toBeNull();
    expect(errorCodeFromOutput({ message: "Attempt 1/1: no code" })).toBeNull();
    expect(errorCodeFromOutput({ code: "" })).toBeNull();
    expect(errorCodeFromOutput({ value: null })).toBeNull();
    expect(errorCodeFromOutput(null)).toBeNull();
    expect(errorCodeFromOutput("job failed by timeout in active state")).toBeNull();
  });
});
