import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from "../../tests/setup/db";
import { keyringFrom, type Keyring } from "../crypto/encryption.server";
import { createPrismaClient, type AppDb } from "../db/client.server";
import { createRateLimitCounters, type RateLimitCounters } from "../db/rate-limit-counters.server";
import {
  addressKey,
  ConnectLimitedError,
  ConnectLimitUnavailableError,
  createConnectLimits,
  retryAfterHeader,
  type ConnectLimits,
  type ConnectLimitSettings,
} from "./connect-limits.server";

const SETTINGS = {
  perIp: { attempts: 10, windowSeconds: 600 },
  perOrganization: { attempts: 30, windowSeconds: 3600 },
};

type Attempter = Parameters<ConnectLimits["take"]>[0];

async function refusal(limits: ConnectLimits, attempter: Attempter) {
  try {
    await limits.take(attempter);
  } catch (error) {
    if (error instanceof ConnectLimitedError) return error;
    throw error;
  }
  return null;
}

async function takeTimes(limits: ConnectLimits, times: number, attempter: Attempter) {
  for (let i = 0; i < times; i++) await limits.take(attempter);
}

describe.each(DATABASE_KINDS)("connect limits on %s", (kind) => {
  let t: TestDatabase;
  let keyring: Keyring;
  let clock: number;
  const now = () => new Date(clock);
  /** One app process's limits: its own counters over the shared database. */
  const limitsOn = (db: AppDb, settings: ConnectLimitSettings = SETTINGS) =>
    createConnectLimits(settings, { counters: createRateLimitCounters(db, { now }), keyring });
  const advance = (ms: number) => {
    clock += ms;
  };

  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await t.cleanup();
  });
  beforeEach(async () => {
    clock = Date.parse("2026-12-03T10:00:00Z");
    keyring = keyringFrom(randomBytes(32).toString("base64"));
    await t.db.$executeRawUnsafe(`DELETE FROM "RateLimitCounter"`);
  });

  it("allows 10 attempts from one address, refuses the 11th with when to try again", async () => {
    const limits = limitsOn(t.db);
    await takeTimes(limits, 10, { clientIp: "203.0.113.5" });
    advance(60_000);
    const refused = await refusal(limits, { clientIp: "203.0.113.5" });
    expect(refused).toMatchObject({
      code: "rate_limited",
      httpStatus: 429,
      scope: "address",
      message: "Too many connection attempts from this address. Try again in 9 minutes.",
      retryAfterSeconds: 540,
    });
    expect(retryAfterHeader(refused!)).toEqual({ "Retry-After": "540" });
  });

  it("counts each address on its own", async () => {
    const limits = limitsOn(t.db);
    await takeTimes(limits, 10, { clientIp: "203.0.113.5" });
    expect(await refusal(limits, { clientIp: "203.0.113.6" })).toBeNull();
    expect(await refusal(limits, { clientIp: "203.0.113.5" })).not.toBeNull();
  });

  it("allows attempts again once the window has passed", async () => {
    const limits = limitsOn(t.db);
    await takeTimes(limits, 10, { clientIp: "203.0.113.5" });
    expect(await refusal(limits, { clientIp: "203.0.113.5" })).not.toBeNull();
    advance(600_000);
    expect(await refusal(limits, { clientIp: "203.0.113.5" })).toBeNull();
  });

  it("refuses the 31st attempt of one organization from any address, and says so", async () => {
    const limits = limitsOn(t.db);
    for (let i = 0; i < 30; i++) await limits.take({ clientIp: `198.51.100.${i}`, organizationId: "org-a" });
    const refused = await refusal(limits, { clientIp: "198.51.100.200", organizationId: "org-a" });
    expect(refused).toMatchObject({
      scope: "organization",
      message: "Too many connection attempts for this Commerce Sync account. Try again in 60 minutes.",
      retryAfterSeconds: 3600,
    });
    expect(await refusal(limits, { clientIp: "198.51.100.201", organizationId: "org-b" })).toBeNull();
  });

  it("does not use up the organization's attempts with attempts refused for their address", async () => {
    const limits = limitsOn(t.db, {
      perIp: { attempts: 1, windowSeconds: 600 },
      perOrganization: { attempts: 2, windowSeconds: 600 },
    });
    await limits.take({ clientIp: "203.0.113.5", organizationId: "org-a" });
    for (let i = 0; i < 5; i++)
      expect((await refusal(limits, { clientIp: "203.0.113.5", organizationId: "org-a" }))?.scope).toBe(
        "address",
      );
    expect(await refusal(limits, { clientIp: "203.0.113.6", organizationId: "org-a" })).toBeNull();
  });

  it("counts by organization alone when no address is known", async () => {
    const limits = limitsOn(t.db, { ...SETTINGS, perOrganization: { attempts: 1, windowSeconds: 60 } });
    await limits.take({ organizationId: "org-a" });
    expect((await refusal(limits, { organizationId: "org-a" }))?.message).toBe(
      "Too many connection attempts for this Commerce Sync account. Try again in 1 minute.",
    );
    await takeTimes(limits, 20, {});
  });

  it("counts the attempts of two processes together, and a restarted process remembers them", async () => {
    const other = createPrismaClient(t.url, { poolSize: 2, onIdleConnectionError: () => undefined });
    try {
      const first = limitsOn(t.db);
      const second = limitsOn(other);
      await takeTimes(first, 5, { clientIp: "203.0.113.5", organizationId: "org-a" });
      await takeTimes(second, 5, { clientIp: "203.0.113.5", organizationId: "org-a" });
      expect((await refusal(first, { clientIp: "203.0.113.5" }))?.scope).toBe("address");
      expect((await refusal(second, { clientIp: "203.0.113.5" }))?.scope).toBe("address");
      // A process started afterwards (new limits, new connections) sees the same counts.
      expect((await refusal(limitsOn(t.db), { clientIp: "203.0.113.5" }))?.scope).toBe("address");
      for (let i = 0; i < 20; i++)
        await second.take({ clientIp: `198.51.100.${i}`, organizationId: "org-a" });
      expect((await refusal(first, { clientIp: "198.51.100.99", organizationId: "org-a" }))?.scope).toBe(
        "organization",
      );
    } finally {
      await other.$disconnect();
    }
  });

  it("lets exactly the limit through when two processes take attempts at the same moment", async () => {
    const other = createPrismaClient(t.url, { poolSize: 5, onIdleConnectionError: () => undefined });
    try {
      const processes = [limitsOn(t.db), limitsOn(other)];
      const outcomes = await Promise.all(
        Array.from({ length: 30 }, (_, i) => refusal(processes[i % 2], { clientIp: "203.0.113.5" })),
      );
      expect(outcomes.filter((outcome) => outcome === null)).toHaveLength(10);
      expect(outcomes.filter((outcome) => outcome?.scope === "address")).toHaveLength(20);
    } finally {
      await other.$disconnect();
    }
  });

  it("stores no client address: only a keyed digest of it", async () => {
    const limits = limitsOn(t.db);
    await limits.take({ clientIp: "203.0.113.5", organizationId: "org-a" });
    await limits.take({ clientIp: "2001:db8:1:2::1" });
    const keys = (await t.db.$queryRawUnsafe<{ key: string }[]>(`SELECT "key" FROM "RateLimitCounter"`)).map(
      (row) => row.key,
    );
    expect(keys).toHaveLength(3);
    expect(keys).toContain("connect-org:org-a");
    const addressKeys = keys.filter((key) => key.startsWith("connect-ip:"));
    expect(addressKeys).toHaveLength(2);
    const unkeyed = ["203.0.113.5", "2001:db8:1:2::/64"].map((a) =>
      createHash("sha256").update(a).digest("base64url"),
    );
    for (const key of addressKeys) {
      expect(key).toMatch(/^connect-ip:[A-Za-z0-9_-]{43}$/);
      // Not the address's text, nor its unkeyed hash (which anyone could compute for every IPv4 address). A random
      // digest may well hold "203" or "db8": only the address's own text counts.
      expect(key).not.toMatch(/203\.0\.113|2001:db8/i);
      expect(unkeyed).not.toContain(key.slice("connect-ip:".length));
    }
    // Another app secret, other digests: a database dump alone cannot be matched against a list of addresses.
    keyring = keyringFrom(randomBytes(32).toString("base64"));
    await limitsOn(t.db).take({ clientIp: "203.0.113.5" });
    expect(await t.db.$queryRawUnsafe<unknown[]>(`SELECT "key" FROM "RateLimitCounter"`)).toHaveLength(4);
  });
});

describe("connect limits when the database cannot count", () => {
  const keyring = keyringFrom(randomBytes(32).toString("base64"));
  const failing = (error: unknown): RateLimitCounters => ({ increment: () => Promise.reject(error) });

  it("refuses the attempt with a try-again-shortly answer when the database is unreachable or busy", async () => {
    const unreachable = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), {
      code: "ECONNREFUSED",
    });
    const busy = Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });
    for (const error of [unreachable, busy]) {
      const limits = createConnectLimits(SETTINGS, { counters: failing(error), keyring });
      const refused = await limits.take({ clientIp: "203.0.113.5" }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ConnectLimitUnavailableError);
      expect(refused).toMatchObject({
        code: "connect_limit_unavailable",
        httpStatus: 503,
        retryAfterSeconds: 60,
        message:
          "Commerce Sync cannot take connection attempts right now (its database is not answering). Try again in a minute.",
      });
      expect(retryAfterHeader(refused as ConnectLimitUnavailableError)).toEqual({ "Retry-After": "60" });
    }
  });

  it("refuses the attempt the same way when PostgreSQL does not answer at all (a real client, a closed port)", async () => {
    const down = createPrismaClient("postgresql://postgres@127.0.0.1:1/commerce_sync", {
      onIdleConnectionError: () => undefined,
    });
    try {
      const limits = createConnectLimits(SETTINGS, { counters: createRateLimitCounters(down), keyring });
      await expect(limits.take({ clientIp: "203.0.113.5" })).rejects.toBeInstanceOf(
        ConnectLimitUnavailableError,
      );
    } finally {
      await down.$disconnect();
    }
  });

  it("lets any other database error through as it is (a fault to fix, not to wait out)", async () => {
    const missing = new Error('relation "RateLimitCounter" does not exist');
    const limits = createConnectLimits(SETTINGS, { counters: failing(missing), keyring });
    await expect(limits.take({ organizationId: "org-a" })).rejects.toBe(missing);
  });
});

describe("addressKey", () => {
  it("keeps an IPv4 address, and the IPv4 address inside an IPv4-mapped IPv6 one", () => {
    expect(addressKey("203.0.113.5")).toBe("203.0.113.5");
    expect(addressKey("::ffff:203.0.113.5")).toBe("203.0.113.5");
  });

  it("counts IPv6 addresses by their /64 network", () => {
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    expect(addressKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(addressKey("2001:db8:1:3::1")).not.toBe(addressKey("2001:db8:1:2::1"));
  });
});
