import { readFileSync } from "node:fs";
import { Session } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyringFrom } from "../../app/crypto/encryption.server";
import { postgresSchemaFrom } from "../../app/db/postgres-schema";
import { formatMinorUnits, multiply, toMinorUnits } from "../../app/lib/money";
import { EncryptedSessionStorage } from "../../app/platforms/shopify/session-storage.server";
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from "../setup/db";

describe("PostgreSQL schema", () => {
  it("is generated from prisma/schema.prisma and in step with it", () => {
    const source = readFileSync("prisma/schema.prisma", "utf8");
    expect(readFileSync("prisma/postgres/schema.prisma", "utf8")).toBe(postgresSchemaFrom(source));
  });
});

describe.each(DATABASE_KINDS)("database on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  async function org(name = "Acme") {
    return t.db.organization.create({ data: { name } });
  }
  async function integration(organizationId: string, storeKey: string, platform = "shopify") {
    return t.db.integration.create({ data: { organizationId, platform, name: storeKey, storeKey } });
  }

  it("talks to the database DATABASE_URL names", async () => {
    expect(t.db.$kind).toBe(kind);
    const probe =
      kind === "sqlite"
        ? await t.db.$queryRawUnsafe<{ v: string }[]>("SELECT sqlite_version() AS v")
        : await t.db.$queryRawUnsafe<{ v: string }[]>("SELECT version() AS v");
    expect(probe[0].v).toMatch(kind === "sqlite" ? /^3\./ : /^PostgreSQL/);
  });

  it("rejects a second integration with the same platform and store", async () => {
    const o = await org();
    await integration(o.id, "dup.myshopify.com");
    await expect(integration(o.id, "dup.myshopify.com")).rejects.toThrow(/Unique constraint/);
    // Same store key on another platform is a different store.
    await expect(integration(o.id, "dup.myshopify.com", "woocommerce")).resolves.toBeTruthy();
  });

  it("keeps contacts unique per organization and normalized email", async () => {
    const a = await org("A");
    const b = await org("B");
    await t.db.contact.create({ data: { organizationId: a.id, email: "jo@example.com", source: "shopify" } });
    await expect(
      t.db.contact.create({ data: { organizationId: a.id, email: "jo@example.com", source: "woocommerce" } }),
    ).rejects.toThrow(/Unique constraint/);
    // Another organization may hold the same person: tenants are isolated.
    await expect(
      t.db.contact.create({ data: { organizationId: b.id, email: "jo@example.com", source: "shopify" } }),
    ).resolves.toBeTruthy();
  });

  it("keeps one source row per (integration, external customer id) and per order/product/variant key", async () => {
    const o = await org();
    const i = await integration(o.id, "keys.myshopify.com");
    const c = await t.db.contact.create({
      data: { organizationId: o.id, email: "k@example.com", source: "shopify" },
    });
    await t.db.contactSource.create({ data: { contactId: c.id, integrationId: i.id, externalId: "1" } });
    await expect(
      t.db.contactSource.create({ data: { contactId: c.id, integrationId: i.id, externalId: "1" } }),
    ).rejects.toThrow(/Unique constraint/);

    const order = {
      organizationId: o.id,
      integrationId: i.id,
      externalId: "gid://shopify/Order/1",
      orderNumber: "#1001",
      platform: "shopify",
      totalMinor: 100n,
      currency: "USD",
      orderDate: new Date(),
      externalUpdatedAt: new Date(),
    };
    await t.db.order.create({ data: order });
    await expect(t.db.order.create({ data: order })).rejects.toThrow(/Unique constraint/);

    const product = await t.db.product.create({
      data: {
        organizationId: o.id,
        integrationId: i.id,
        externalId: "p1",
        title: "Tee",
        status: "active",
        externalUpdatedAt: new Date(),
      },
    });
    await expect(
      t.db.product.create({
        data: {
          organizationId: o.id,
          integrationId: i.id,
          externalId: "p1",
          title: "x",
          status: "active",
          externalUpdatedAt: new Date(),
        },
      }),
    ).rejects.toThrow(/Unique constraint/);
    const variant = { productId: product.id, integrationId: i.id, externalId: "v1", title: "S" };
    await t.db.productVariant.create({ data: variant });
    await expect(t.db.productVariant.create({ data: variant })).rejects.toThrow(/Unique constraint/);

    const event = {
      platform: "shopify",
      topic: "orders/create",
      dedupeKey: "evt-1",
      storeKey: "keys",
      payload: "{}",
    };
    await t.db.webhookEvent.create({ data: event });
    await expect(t.db.webhookEvent.create({ data: event })).rejects.toThrow(/Unique constraint/);
  });

  it("stores money exactly and ids beyond 2^53 intact", async () => {
    const o = await org();
    const i = await integration(o.id, "money.myshopify.com");
    const unit = toMinorUnits("19.99", "USD");
    const created = await t.db.order.create({
      data: {
        organizationId: o.id,
        integrationId: i.id,
        externalId: "gid://shopify/Order/9007199254740993",
        orderNumber: "#9",
        platform: "shopify",
        totalMinor: multiply(unit, 3),
        currency: "USD",
        orderDate: new Date("2026-01-02T03:04:05.678Z"),
        externalUpdatedAt: new Date("2026-01-02T03:04:05.678Z"),
        items: {
          create: [
            { title: "Mug", quantity: 3, unitPriceMinor: unit, productExternalId: "9007199254740995" },
          ],
        },
      },
    });
    const back = await t.db.order.findUniqueOrThrow({ where: { id: created.id }, include: { items: true } });
    expect(formatMinorUnits(back.totalMinor, back.currency)).toBe("59.97");
    expect(formatMinorUnits(back.items[0].unitPriceMinor, "USD")).toBe("19.99");
    expect(back.externalId).toBe("gid://shopify/Order/9007199254740993");
    expect(back.items[0].productExternalId).toBe("9007199254740995");
    expect(back.orderDate.toISOString()).toBe("2026-01-02T03:04:05.678Z");

    const huge = await t.db.order.update({
      where: { id: created.id },
      data: { totalMinor: 9007199254740993n },
    });
    expect(huge.totalMinor).toBe(9007199254740993n);
  });

  it("never writes a Shopify access token in plaintext", async () => {
    const keyring = keyringFrom(Buffer.alloc(32, 3).toString("base64"));
    const storage = new EncryptedSessionStorage(t.db, keyring);
    const session = new Session({
      id: "offline_enc.myshopify.com",
      shop: "enc.myshopify.com",
      state: "s",
      isOnline: false,
      accessToken: "shpat_plaintext_secret_value",
      scope: "read_customers",
    });
    await storage.storeSession(session);
    const raw = await t.db.$queryRawUnsafe<{ accessToken: string }[]>(
      `SELECT "accessToken" FROM "Session" WHERE "id" = 'offline_enc.myshopify.com'`,
    );
    expect(raw[0].accessToken).not.toContain("shpat_plaintext_secret_value");
    expect(raw[0].accessToken).toMatch(/^enc:v1:/);
    expect((await storage.loadSession(session.id))?.accessToken).toBe("shpat_plaintext_secret_value");
    expect((await storage.findSessionsByShop("enc.myshopify.com"))[0].accessToken).toBe(
      "shpat_plaintext_secret_value",
    );
  });
});
