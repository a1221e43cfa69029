/** The scheduler's tick: due reconciles once per slot and the off-peak full re-sync. */
import { describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../tests/setup/db";
import { schedulerTick } from "./scheduler.server";
import { seed, useHandlerFixture } from "./testing/handlers";

describe.each(DATABASE_KINDS)("job handlers on %s", (kind) => {
  const { t, queue } = useHandlerFixture(kind);

  it("enqueues due reconciles once per slot and one full re-sync inside the off-peak window", async () => {
    await t.db.syncRun.deleteMany();
    await t.db.integration.deleteMany();
    const { ids } = await seed(t, 5, [
      {},
      { reconcileIntervalMinutes: 0 },
      { reconcileIntervalMinutes: 30 },
      { fullResyncWindowUtc: "off" },
      { fullResyncWindowUtc: "04:00-06:00" },
    ]);
    const [normal, disabled, custom, noNightly, later] = ids;
    const q = await queue();
    let now = new Date("2026-05-10T01:10:00Z");
    const options = { reconcileIntervalMinutes: 60, fullResyncWindowUtc: "02:00-04:00", now: () => now };

    // Before the window: reconciles only (the disabled one gets none).
    let tick = await schedulerTick(t.db, q, options);
    expect(tick.reconcile.sort()).toEqual([normal, custom, noNightly, later].sort());
    expect(tick.fullResync).toEqual([]);
    // A second worker ticking in the same slot adds nothing.
    tick = await schedulerTick(t.db, q, options);
    expect(tick).toEqual({
      reconcile: [],
      fullResync: [],
      resumed: [],
      webhookEventsPruned: 0,
      rateLimitCountersPruned: 0,
    });
    // The custom 30-minute interval is due again in its next slot; the 60-minute one is not.
    now = new Date("2026-05-10T01:40:00Z");
    tick = await schedulerTick(t.db, q, options);
    expect(tick.reconcile).toEqual([custom]);

    // Inside the default window: one full re-sync each, including the store with reconciles turned off, but not
    // the store that turned its nightly re-sync off nor the one with its own later window.
    now = new Date("2026-05-10T02:30:00Z");
    tick = await schedulerTick(t.db, q, options);
    expect(tick.fullResync.sort()).toEqual([normal, disabled, custom].sort());
    tick = await schedulerTick(t.db, q, options);
    expect(tick.fullResync).toEqual([]);
    const fullJobs = await q.listJobs({ kinds: ["sync.full"], limit: 100 });
    expect(
      fullJobs.filter((j) => ids.includes((j.payload as { integrationId: string }).integrationId)),
    ).toHaveLength(3);

    // After the default window, inside the store's own one: only that store's full re-sync.
    now = new Date("2026-05-10T05:00:00Z");
    tick = await schedulerTick(t.db, q, options);
    expect(tick.fullResync).toEqual([later]);
    // A disconnected store is never scheduled.
    await t.db.integration.update({ where: { id: disabled }, data: { status: "disconnected" } });
    now = new Date("2026-05-11T02:05:00Z");
    tick = await schedulerTick(t.db, q, options);
    expect(tick.fullResync.sort()).toEqual([normal, custom].sort());
  });
});
