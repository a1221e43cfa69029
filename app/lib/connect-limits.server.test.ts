import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  addressKey,
  ConnectLimitedError,
  createConnectLimits,
  retryAfterHeader,
  type ConnectLimits,
} from "./connect-limits.server";

const SETTINGS = {
  perIp: { attempts: 10, windowSeconds: 600 },
  perOrganization: { attempts: 30, windowSeconds: 3600 },
};

async function refusal(limits: ConnectLimits, attempter: Parameters<ConnectLimits["take"]>[0]) {
  try {
    await limits.take(attempter);
  } catch (error) {
    if (error instanceof ConnectLimitedError) return error;
    throw error;
  }
  return null;
}

async function takeTimes(
  limits: ConnectLimits,
  times: number,
  attempter: Parameters<ConnectLimits["take"]>[0],
) {
  for (let i = 0; i < times; i++) await limits.take(attempter);
}

describe("connect limits", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-12-03T10:00:00Z"));
  });
  afterEach(() => vi.useRealTimers());

  it("allows 10 attempts from one address, refuses the 11th with when to try again", async () => {
    const limits = createConnectLimits(SETTINGS);
    await takeTimes(limits, 10, { clientIp: "203.0.113.5" });
    vi.advanceTimersByTime(60_000);
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
    const limits = createConnectLimits(SETTINGS);
    await takeTimes(limits, 10, { clientIp: "203.0.113.5" });
    expect(await refusal(limits, { clientIp: "203.0.113.6" })).toBeNull();
    expect(await refusal(limits, { clientIp: "203.0.113.5" })).not.toBeNull();
  });

  it("allows attempts again once the window has passed", async () => {
    const limits = createConnectLimits(SETTINGS);
    await takeTimes(limits, 10, { clientIp: "203.0.113.5" });
    expect(await refusal(limits, { clientIp: "203.0.113.5" })).not.toBeNull();
    vi.advanceTimersByTime(600_000);
    expect(await refusal(limits, { clientIp: "203.0.113.5" })).toBeNull();
  });

  it("refuses the 31st attempt of one organization from any address, and says so", async () => {
    const limits = createConnectLimits(SETTINGS);
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
    const limits = createConnectLimits({
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
    const limits = createConnectLimits({ ...SETTINGS, perOrganization: { attempts: 1, windowSeconds: 60 } });
    await limits.take({ organizationId: "org-a" });
    expect((await refusal(limits, { organizationId: "org-a" }))?.message).toBe(
      "Too many connection attempts for this Commerce Sync account. Try again in 1 minute.",
    );
    await takeTimes(limits, 20, {});
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
