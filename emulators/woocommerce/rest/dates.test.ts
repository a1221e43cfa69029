import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../server";
import { ManualClock, wooClient } from "../test-helpers";

// PLATFORM_FACTS ✔ "Dates have 1-second precision and after / modified_after are strictly greater: a cursor
// equal to a record's own date_modified_gmt excludes it. Overlap the cursor and de-duplicate."
describe("WooCommerce emulator dates: whole seconds, strictly-after filters", () => {
  let emulator: WooEmulator;
  const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000 + 700);
  let key: { consumer_key: string; consumer_secret: string };
  const gmt = (ms: number) => new Date(ms).toISOString().slice(0, 19);

  beforeAll(async () => {
    emulator = await startWooEmulator({
      counts: { customers: 3, orders: 3, products: 2 },
      clock,
      autoDeliver: false,
    });
    key = emulator.createKey("read_write");
  });
  afterAll(() => emulator.close());

  it("stores a change made at .700 of a second as that whole second", async () => {
    const client = wooClient(emulator.url, key);
    const created = await client.post("orders", { billing: { email: "second@example.test" } });
    const wholeSecond = Math.floor(clock.now() / 1000) * 1000;
    expect(created.data.date_modified_gmt).toBe(gmt(wholeSecond));
    expect(emulator.store.orders.get(created.data.id)!.modifiedMs).toBe(wholeSecond);
  });

  it("excludes records modified in the cursor's own second and includes them with a cursor one second earlier", async () => {
    const client = wooClient(emulator.url, key);
    clock.advance(60_000);
    const second = Math.floor(clock.now() / 1000) * 1000;
    // Two orders changed within the same second, 700 ms apart on the wall clock.
    const first = await client.post("orders", { billing: { email: "a@example.test" } });
    clock.advance(250);
    const other = await client.post("orders", { billing: { email: "b@example.test" } });
    const ids = [first.data.id, other.data.id];
    const modifiedAfter = async (cursorMs: number) =>
      (
        await client.get("orders", { modified_after: gmt(cursorMs), dates_are_gmt: true, per_page: 100 })
      ).data.map((o: { id: number }) => o.id);
    expect(await modifiedAfter(second)).toEqual([]);
    expect((await modifiedAfter(second - 1000)).sort()).toEqual(ids.sort());
    const after = await client.get("orders", { after: gmt(second), dates_are_gmt: true, per_page: 100 });
    expect(after.data).toEqual([]);
  });

  it("reads a cursor without dates_are_gmt in site time", async () => {
    const offset = await startWooEmulator({
      counts: { customers: 1, orders: 0, products: 1 },
      clock,
      autoDeliver: false,
      utcOffsetMinutes: 60,
    });
    try {
      const client = wooClient(offset.url, offset.createKey("read_write"));
      const created = await client.post("orders", {});
      const modifiedGmt = Date.parse(`${created.data.date_modified_gmt}Z`);
      // The same wall time read as site time (UTC+1) is an hour earlier in GMT: the order is after it.
      const siteTime = await client.get("orders", { modified_after: gmt(modifiedGmt) });
      expect(siteTime.data.map((o: { id: number }) => o.id)).toEqual([created.data.id]);
      const asGmt = await client.get("orders", { modified_after: gmt(modifiedGmt), dates_are_gmt: true });
      expect(asGmt.data).toEqual([]);
    } finally {
      await offset.close();
    }
  });

  it("accepts modified_after on /customers and silently ignores it (PLATFORM_FACTS ✔)", async () => {
    const client = wooClient(emulator.url, key);
    const all = await client.get("customers", { per_page: 100 });
    const future = await client.get("customers", {
      modified_after: "2099-01-01T00:00:00",
      dates_are_gmt: true,
      per_page: 100,
    });
    expect(future.status).toBe(200);
    expect(future.headers["x-wp-total"]).toBe(all.headers["x-wp-total"]);
    expect(future.data.length).toBe(3);
  });
});
