import { describe, expect, it } from "vitest";
import {
  finishScan,
  inScope,
  isWanted,
  modifiedAfterFor,
  newScan,
  observe,
  parseCursor,
  serializeCursor,
  storeClock,
  type WooCursor,
} from "./cursor";

const T = "2026-11-24T04:36:29";
const start: WooCursor = { v: 1, since: null, seen: {} };

describe("WooCommerce cursor", () => {
  it("asks for one second before the cursor, since modified_after is strictly after", () => {
    expect(modifiedAfterFor(T)).toBe("2026-11-24T04:36:28");
    expect(modifiedAfterFor(null)).toBeNull();
  });

  it("re-reads the boundary second but skips records applied there unchanged", () => {
    const cursor: WooCursor = { v: 1, since: T, seen: { "7": "print-a" } };
    expect(isWanted(cursor, T, "7", () => "print-a")).toBe(false);
    expect(isWanted(cursor, T, "7", () => "print-b")).toBe(true); // changed again within the same second
    expect(isWanted(cursor, T, "8", () => "print-c")).toBe(true); // another record in the same second
    expect(isWanted(cursor, "2026-11-24T04:36:28", "9", () => "x")).toBe(false);
    expect(isWanted(cursor, "2026-11-24T04:36:30", "7", () => "print-a")).toBe(true);
  });

  it("ends at the newest modification read, remembering that second's records", () => {
    const scan = newScan();
    scan.startedAt = "2026-11-24T05:00:00";
    observe(scan, "2026-11-24T04:00:00", "1", "p1");
    observe(scan, T, "2", "p2");
    observe(scan, T, "3", "p3");
    expect(finishScan(start, scan)).toEqual({ v: 1, since: T, seen: { "2": "p2", "3": "p3" } });
  });

  it("starts the next read at this read's start when records were modified while it ran", () => {
    const scan = newScan();
    scan.startedAt = "2026-11-24T05:00:00";
    observe(scan, "2026-11-24T05:00:00", "4", "p4");
    observe(scan, "2026-11-24T05:00:07", "5", "p5"); // modified after the read began: earlier pages may be stale
    expect(finishScan(start, scan)).toEqual({ v: 1, since: "2026-11-24T05:00:00", seen: { "4": "p4" } });
  });

  it("keeps the cursor when nothing was read, and never moves it backwards", () => {
    const cursor: WooCursor = { v: 1, since: T, seen: { "1": "x" } };
    expect(finishScan(cursor, newScan())).toEqual(cursor);
    const scan = newScan();
    scan.startedAt = "2026-11-24T01:00:00"; // a store clock far behind its own dates
    observe(scan, "2026-11-24T04:40:00", "2", "p");
    expect(finishScan(cursor, scan).since).toBe(T);
  });

  it("survives serialization and reads an unknown cursor as a full read", () => {
    const scan = { ...newScan(3), maxSeen: T, atMax: { "1": "p" } };
    const cursor: WooCursor = { v: 1, since: T, seen: {}, scan };
    expect(parseCursor(serializeCursor(cursor))).toEqual(cursor);
    expect(parseCursor('{"v":9}')).toEqual(start);
    expect(parseCursor("garbage")).toEqual(start);
    expect(parseCursor(null)).toEqual(start);
  });

  it("continues a cursor made over the same list only; one over another list (or none) starts over", () => {
    const scan = { ...newScan(2), skipped: 1 };
    const scoped: WooCursor = { v: 1, since: T, seen: { "4": "p" }, scan, scope: "role=all" };
    expect(parseCursor(serializeCursor(scoped))).toEqual(scoped);
    expect(inScope(scoped, "role=all")).toBe(scoped);
    // Made over the customer-only list (before ADR 0047): a subscriber never read is older than `since`.
    const unscoped: WooCursor = { v: 1, since: T, seen: { "4": "p" }, scan };
    expect(inScope(unscoped, "role=all")).toEqual({ v: 1, since: null, seen: {}, scope: "role=all" });
    expect(inScope(unscoped, undefined)).toBe(unscoped);
  });

  it("reads the store's clock from the HTTP Date header", () => {
    expect(storeClock("Mon, 30 Nov 2026 23:33:36 GMT")).toBe("2026-11-30T23:33:36");
    expect(storeClock(undefined)).toBeNull();
    expect(storeClock("soon")).toBeNull();
  });
});
