import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from "../../tests/setup/db";
import type { AppDb } from "./platform";
import { heldRecords } from "./held-records.server";

describe.each(DATABASE_KINDS)("held records on %s", (kind) => {
  let t: TestDatabase;
  let integrationId: string;
  const cutoff = new Date("2026-11-20T12:00:00.000Z");

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    const organizationId = randomUUID();
    await t.db.organization.create({ data: { id: organizationId, name: "Held" } });
    const integration = await t.db.integration.create({
      data: { organizationId, platform: "woocommerce", name: "Held store", storeKey: "https://held.example" },
    });
    integrationId = integration.id;
    const other = await t.db.integration.create({
      data: { organizationId, platform: "woocommerce", name: "Other", storeKey: "https://other.example" },
    });
    const order = (
      externalId: string,
      extra: { deletedAt?: Date; createdAt?: Date; integrationId?: string; orderDate?: Date },
    ) => ({
      organizationId,
      integrationId: extra.integrationId ?? integrationId,
      externalId,
      orderNumber: externalId,
      platform: "woocommerce",
      totalMinor: 100n,
      currency: "USD",
      orderDate: extra.orderDate ?? cutoff,
      externalUpdatedAt: cutoff,
      deletedAt: extra.deletedAt ?? null,
      createdAt: extra.createdAt ?? new Date("2026-11-01T00:00:00.000Z"),
    });
    await t.db.order.createMany({
      data: [
        ...["9", "10", "100", "11", "2", "99", "1000", "12345678901234567890", "abc", "007", "1x"].map((id) =>
          order(id, {}),
        ),
        order("5", { deletedAt: cutoff }),
        order("6", { createdAt: cutoff }),
        order("7", { integrationId: other.id }),
        // Shopify's ids: a GID prefix before the decimal id (ADR 0046); 9007199254740993 is above 2^53.
        ...["9007199254740993", "10", "9", "9007199254740992", "x1"].map((id) =>
          order(`gid://shopify/Order/${id}`, {}),
        ),
        order("gid://shopify/OrderX/5", {}),
        // Dated before the window of the date filter below.
        order("gid://shopify/Order/3", { orderDate: new Date("2026-09-01T00:00:00.000Z") }),
        order("gid://shopify/Order/4", { orderDate: new Date("2026-10-31T23:59:59.999Z") }),
        order("gid://shopify/Order/8", { deletedAt: cutoff }),
      ],
    });
  });
  afterAll(() => t?.cleanup());

  it("counts live rows first seen before the cutoff and lists decimal ids in numeric order, chunk by chunk", async () => {
    const held = heldRecords(t.db as unknown as AppDb, integrationId, "orders");
    // "abc", "007" and "1x" count (they are live rows) but are never listed: their text order is not a numeric one.
    expect(await held.count(cutoff)).toBe(19);
    const all: string[] = [];
    for (let after: string | null = null; ;) {
      const chunk = await held.idsAfter(after, 3, cutoff);
      if (chunk.length === 0) break;
      expect(chunk.length).toBeLessThanOrEqual(3);
      all.push(...chunk);
      after = chunk[chunk.length - 1];
    }
    expect(all).toEqual(["2", "9", "10", "11", "99", "100", "1000", "12345678901234567890"]);
    // Rows first seen at the cutoff or later join with a later cutoff.
    expect(await held.idsAfter("5", 2, new Date(cutoff.getTime() + 1))).toEqual(["6", "9"]);
  });

  it("with an id prefix, counts only ids behind it and lists them by the value of their decimal part", async () => {
    const held = heldRecords(t.db as unknown as AppDb, integrationId, "orders");
    const prefix = "gid://shopify/Order/";
    // "x1" counts (a live row behind the prefix) but is never listed; OrderX and the deleted 8 do not count.
    expect(await held.count(cutoff, { idPrefix: prefix })).toBe(7);
    const all: string[] = [];
    for (let after: string | null = null; ;) {
      const chunk = await held.idsAfter(after, 2, cutoff, { idPrefix: prefix });
      if (chunk.length === 0) break;
      all.push(...chunk);
      after = chunk[chunk.length - 1];
    }
    expect(all).toEqual([3, 4, 9, 10, 9007199254740992n, 9007199254740993n].map((id) => `${prefix}${id}`));
  });

  it("with a date, counts and lists only orders dated at or after it; other resources have no date to filter on", async () => {
    const held = heldRecords(t.db as unknown as AppDb, integrationId, "orders");
    const filter = { idPrefix: "gid://shopify/Order/", datedFrom: new Date("2026-11-01T00:00:00.000Z") };
    expect(await held.count(cutoff, filter)).toBe(5);
    expect(await held.idsAfter(null, 10, cutoff, filter)).toEqual(
      [9, 10, 9007199254740992n, 9007199254740993n].map((id) => `gid://shopify/Order/${id}`),
    );
    expect(await held.count(cutoff, { ...filter, datedFrom: new Date("2026-10-31T23:59:59.999Z") })).toBe(6);
    const products = heldRecords(t.db as unknown as AppDb, integrationId, "products");
    await expect(products.count(cutoff, { datedFrom: cutoff })).rejects.toThrow(/no date of their own/);
  });

  it("counts and finds ids by numeric range, across digit lengths and past 2^53, leaving other shapes out", async () => {
    const held = heldRecords(t.db as unknown as AppDb, integrationId, "orders");
    const all = { from: 0n, to: null };
    // Listed: 2 9 10 11 99 100 1000 12345678901234567890; "1x" sits between "10" and "99" as text, not as a number.
    expect(await held.countIn(all, cutoff)).toBe(8);
    expect(await held.countIn({ from: 10n, to: 100n }, cutoff)).toBe(3);
    expect(await held.countIn({ from: 9n, to: 11n }, cutoff)).toBe(2);
    expect(await held.countIn({ from: 11n, to: 11n }, cutoff)).toBe(0);
    expect(await held.countIn({ from: 101n, to: 12345678901234567890n }, cutoff)).toBe(1);
    expect(await held.countIn({ from: 12345678901234567890n, to: 12345678901234567891n }, cutoff)).toBe(1);
    // The row first seen at the cutoff joins with a later one.
    expect(await held.countIn({ from: 3n, to: 9n }, new Date(cutoff.getTime() + 1))).toBe(1);
    const positions = await Promise.all([0, 1, 2, 3, 4, 7, 8].map((skip) => held.idAt(all, skip, cutoff)));
    expect(positions).toEqual(["2", "9", "10", "11", "99", "12345678901234567890", null]);
    expect(await held.idAt({ from: 10n, to: 1001n }, 4, cutoff)).toBe("1000");
    expect(await held.idAt({ from: 10n, to: 1000n }, 4, cutoff)).toBeNull();
    // From the end: the last, and across a digit length.
    const fromEnd = await Promise.all([-1, -2, -4, -8, -9].map((skip) => held.idAt(all, skip, cutoff)));
    expect(fromEnd).toEqual(["12345678901234567890", "1000", "99", "2", null]);
    expect(await held.idAt({ from: 0n, to: 100n }, -3, cutoff)).toBe("10");
  });

  it("with an id prefix and a date, counts and finds by range only what idsAfter lists", async () => {
    const held = heldRecords(t.db as unknown as AppDb, integrationId, "orders");
    const prefix = "gid://shopify/Order/";
    const filter = { idPrefix: prefix };
    // Listed: 3 4 9 10 9007199254740992 9007199254740993 ("x1" and the deleted 8 never are).
    expect(await held.countIn({ from: 0n, to: null }, cutoff, filter)).toBe(6);
    expect(await held.countIn({ from: 4n, to: 10n }, cutoff, filter)).toBe(2);
    expect(await held.countIn({ from: 5n, to: 9n }, cutoff, filter)).toBe(0);
    expect(await held.countIn({ from: 10n, to: 9007199254740993n }, cutoff, filter)).toBe(2);
    expect(await held.countIn({ from: 9007199254740993n, to: 9007199254740994n }, cutoff, filter)).toBe(1);
    expect(await held.idAt({ from: 5n, to: null }, 2, cutoff, filter)).toBe(`${prefix}9007199254740992`);
    expect(await held.idAt({ from: 9007199254740993n, to: null }, 0, cutoff, filter)).toBe(
      `${prefix}9007199254740993`,
    );
    const recent = { ...filter, datedFrom: new Date("2026-11-01T00:00:00.000Z") };
    expect(await held.countIn({ from: 0n, to: 10n }, cutoff, recent)).toBe(1);
    expect(await held.idAt({ from: 0n, to: null }, 0, cutoff, recent)).toBe(`${prefix}9`);
  });
});
