import { describe, expect, it } from "vitest";
import { abortableSleep, parseRetryAfterMs } from "./retry-timing";

describe("parseRetryAfterMs", () => {
  const now = Date.parse("2026-12-01T12:00:00Z");

  it("reads delay-seconds, whole or decimal", () => {
    expect(parseRetryAfterMs("30", now)).toBe(30_000);
    expect(parseRetryAfterMs(" 2.0 ", now)).toBe(2_000);
    expect(parseRetryAfterMs("0.25", now)).toBe(250);
    expect(parseRetryAfterMs("0", now)).toBe(0);
  });

  it("reads an HTTP date relative to now, never negative", () => {
    expect(parseRetryAfterMs("Tue, 01 Dec 2026 12:00:05 GMT", now)).toBe(5_000);
    expect(parseRetryAfterMs("Tue, 01 Dec 2026 11:59:00 GMT", now)).toBe(0);
  });

  it("says null for absent or unreadable values", () => {
    expect(parseRetryAfterMs(null, now)).toBeNull();
    expect(parseRetryAfterMs(undefined, now)).toBeNull();
    expect(parseRetryAfterMs("", now)).toBeNull();
    expect(parseRetryAfterMs("-5", now)).toBeNull();
    expect(parseRetryAfterMs("soon", now)).toBeNull();
  });
});

describe("abortableSleep", () => {
  it("resolves after the delay", async () => {
    const started = Date.now();
    await abortableSleep(20);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });

  it("rejects with the signal's reason when aborted, and at once when already aborted", async () => {
    const controller = new AbortController();
    const sleeping = abortableSleep(60_000, controller.signal);
    const reason = new Error("run cancelled");
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
    await expect(abortableSleep(60_000, controller.signal)).rejects.toBe(reason);
  });
});
