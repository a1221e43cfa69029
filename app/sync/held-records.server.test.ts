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
        ...["9", "10", "100", "11", "2", "99", "1000", "12345678901234567890", "abc", "007"].map((id) =>
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
    // "abc" and "007" count (they are live rows) but are never listed: their text order is not a numeric one.
    expect(await held.count(cutoff)).toBe(18);
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
});
