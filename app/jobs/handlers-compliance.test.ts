/** The compliance job handlers: redaction, purge and export through the engine. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../tests/setup/db";
import { enqueueCompliance, enqueueSync } from "./enqueue.server";
import { seed, smallSource, useHandlerFixture } from "./testing/handlers";
import { until } from "./testing/until";

describe.each(DATABASE_KINDS)("job handlers on %s", (kind) => {
  const h = useHandlerFixture(kind);
  const { t, queue, memory, worker } = h;

  it("runs the compliance jobs through the engine's redaction, purge and export", async () => {
    const { ids, organizationId } = await seed(t);
    memory({ createSource: () => smallSource() });
    const dir = mkdtempSync(join(tmpdir(), "exports-"));
    h.exportDir = dir;
    const q = await queue();
    await worker(q, "w1");
    const { id: syncJob } = await enqueueSync(q, { integrationId: ids[0], kind: "full" });
    await until(async () => (await q.listJobs({ status: "succeeded" })).some((j) => j.id === syncJob));

    try {
      const exportJob = await enqueueCompliance(q, "compliance.customer_data_request", {
        integrationId: ids[0],
        customerExternalId: "c2",
        dataRequestId: 9001,
      });
      await until(async () => (await q.listJobs({ status: "succeeded" })).some((j) => j.id === exportJob.id));
      const document = JSON.parse(readFileSync(join(dir, `${ids[0]}-9001.json`), "utf8"));
      expect(document.contacts[0].email).toBe("customer2@example.com");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const redact = await enqueueCompliance(q, "compliance.customer_redact", {
      integrationId: ids[0],
      customerExternalId: "c2",
      email: "customer2@example.com",
    });
    await until(async () => (await q.listJobs({ status: "succeeded" })).some((j) => j.id === redact.id));
    expect(await t.db.contact.count({ where: { organizationId, email: "customer2@example.com" } })).toBe(0);

    const purge = await enqueueCompliance(q, "compliance.shop_redact", { integrationId: ids[0] });
    await until(async () => (await q.listJobs({ status: "succeeded" })).some((j) => j.id === purge.id));
    expect(await t.db.order.count({ where: { integrationId: ids[0] } })).toBe(0);
    expect(await t.db.auditLog.count({ where: { integrationId: ids[0] } })).toBeGreaterThanOrEqual(3);
  });
});
