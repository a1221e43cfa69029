import { describe, expect, it } from "vitest";
import { orderedId } from "./ordered-id";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const msOf = (id: string) => parseInt(id.replace(/-/g, "").slice(0, 12), 16);

describe("orderedId", () => {
  // First: the later cases move this process's generator into the future.
  it("starts with the current time by default", () => {
    const before = Date.now();
    expect(msOf(orderedId())).toBeGreaterThanOrEqual(before);
  });

  it("is a version 7 UUID carrying the time it was made", () => {
    const at = Date.UTC(2036, 11, 1, 8, 0, 0);
    const id = orderedId(at);
    expect(id).toMatch(UUID_V7);
    expect(msOf(id)).toBe(at);
  });

  it("makes valid, unique, strictly increasing ids, many per millisecond (random bytes refilled on the way)", () => {
    const ids = Array.from({ length: 20_000 }, () => orderedId());
    for (const id of ids.slice(0, 50)) expect(id).toMatch(UUID_V7);
    for (const id of ids.slice(-50)) expect(id).toMatch(UUID_V7);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it("sorts in the order made within one millisecond, past 4,096 ids in it, and across many", () => {
    const at = Date.UTC(2040, 0, 1);
    const ids = [
      ...Array.from({ length: 5_000 }, () => orderedId(at)),
      ...Array.from({ length: 10 }, (_, i) => orderedId(at + 10 + i)),
    ];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(UUID_V7);
  });

  it("never goes backwards when the clock does", () => {
    const later = orderedId(Date.UTC(2041, 0, 1));
    const earlierClock = orderedId(Date.UTC(2020, 0, 1));
    expect(earlierClock > later).toBe(true);
    expect(msOf(earlierClock)).toBe(Date.UTC(2041, 0, 1));
  });
});
