import { describe, expect, it } from "vitest";
import { orderedId } from "./ordered-id";

describe("orderedId", () => {
  it("is a version 7 UUID carrying the time it was made", () => {
    const id = orderedId(Date.UTC(2026, 11, 1, 8, 0, 0));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBeGreaterThanOrEqual(
      Date.UTC(2026, 11, 1, 8, 0, 0),
    );
  });

  it("sorts as a string in the order the ids were made, within one millisecond and across many", () => {
    const at = Date.UTC(2030, 0, 1);
    const ids = [
      ...Array.from({ length: 5_000 }, () => orderedId(at)),
      ...Array.from({ length: 10 }, (_, i) => orderedId(at + 10 + i)),
    ];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("never goes backwards when the clock does", () => {
    const later = orderedId(Date.UTC(2031, 0, 1));
    const earlierClock = orderedId(Date.UTC(2020, 0, 1));
    expect(earlierClock > later).toBe(true);
  });
});
