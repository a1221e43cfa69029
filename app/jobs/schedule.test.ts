import { describe, expect, it } from "vitest";
import { effectiveSchedule, isValidWindow, storeScheduleSettings, windowStartContaining } from "./schedule";

describe("off-peak window", () => {
  it("finds the window occurrence containing a time, across midnight too", () => {
    expect(windowStartContaining("02:00-04:00", new Date("2026-01-02T03:59:00Z"))?.toISOString()).toBe(
      "2026-01-02T02:00:00.000Z",
    );
    expect(windowStartContaining("02:00-04:00", new Date("2026-01-02T04:00:00Z"))).toBeNull();
    expect(windowStartContaining("22:00-02:00", new Date("2026-01-02T01:00:00Z"))?.toISOString()).toBe(
      "2026-01-01T22:00:00.000Z",
    );
    expect(windowStartContaining("22:00-02:00", new Date("2026-01-02T23:00:00Z"))?.toISOString()).toBe(
      "2026-01-02T22:00:00.000Z",
    );
    expect(windowStartContaining("22:00-02:00", new Date("2026-01-02T12:00:00Z"))).toBeNull();
    expect(windowStartContaining("22:00-00:00", new Date("2026-01-02T23:30:00Z"))?.toISOString()).toBe(
      "2026-01-02T22:00:00.000Z",
    );
    expect(() => windowStartContaining("2am-4am", new Date())).toThrow(/must look like 02:00-04:00/);
    expect(() => windowStartContaining("02:75-04:00", new Date())).toThrow(/not a valid time range/);
  });

  it("tells valid windows from the rest", () => {
    expect(["02:00-04:00", "22:00-02:00", "00:00-24:00"].map(isValidWindow)).toEqual([true, true, true]);
    expect(["", "off", "25:00-02:00", "02:00-02:00", "02:60-03:00", "2:00-4:00"].map(isValidWindow)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe("a store's schedule", () => {
  const defaults = { reconcileIntervalMinutes: 60, fullResyncWindowUtc: "02:00-04:00" };

  it("follows the deployment's defaults when the store has no settings of its own", () => {
    expect(effectiveSchedule({}, defaults)).toEqual({
      intervalMinutes: 60,
      intervalFromStore: false,
      fullResyncWindowUtc: "02:00-04:00",
      windowFromStore: false,
    });
    expect(effectiveSchedule(null, { reconcileIntervalMinutes: 0 })).toEqual({
      intervalMinutes: 0,
      intervalFromStore: false,
      fullResyncWindowUtc: null,
      windowFromStore: false,
    });
  });

  it("takes the store's own interval and window, and 'off' turns a default window off", () => {
    expect(effectiveSchedule({ reconcileIntervalMinutes: 15, fullResyncWindowUtc: "off" }, defaults)).toEqual(
      {
        intervalMinutes: 15,
        intervalFromStore: true,
        fullResyncWindowUtc: null,
        windowFromStore: true,
      },
    );
    expect(
      effectiveSchedule({ reconcileIntervalMinutes: 0, fullResyncWindowUtc: "22:00-00:00" }, defaults),
    ).toEqual({
      intervalMinutes: 0,
      intervalFromStore: true,
      fullResyncWindowUtc: "22:00-00:00",
      windowFromStore: true,
    });
  });

  it("reads settings stored as JSON text, and counts unreadable values as absent", () => {
    expect(
      storeScheduleSettings('{"reconcileIntervalMinutes":30,"fullResyncWindowUtc":"04:00-06:00"}'),
    ).toEqual({
      reconcileIntervalMinutes: 30,
      fullResyncWindowUtc: "04:00-06:00",
    });
    expect(
      storeScheduleSettings({
        reconcileIntervalMinutes: -5,
        fullResyncWindowUtc: "2am",
        enabled: ["orders"],
      }),
    ).toEqual({});
    expect(storeScheduleSettings({ reconcileIntervalMinutes: "60", fullResyncWindowUtc: 3 })).toEqual({});
    expect(storeScheduleSettings("not json")).toEqual({});
    expect(storeScheduleSettings([1, 2])).toEqual({});
    expect(effectiveSchedule({ reconcileIntervalMinutes: "often" }, defaults).intervalMinutes).toBe(60);
  });
});
