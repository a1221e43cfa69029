import { describe, expect, it } from "vitest";
import { z } from "zod";
import { shownValue, wholeNumber } from "./whole-number";

const messages = (schema: z.ZodTypeAny, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? result.data : result.error.issues.map((i) => i.message);
};

describe("wholeNumber", () => {
  const limit = wholeNumber({ min: 1, max: 100 }, 20);

  it("reads numbers and number text, and the fallback when absent or blank", () => {
    expect(messages(limit, "5")).toBe(5);
    expect(messages(limit, " 42 ")).toBe(42);
    expect(messages(limit, 7)).toBe(7);
    expect(messages(limit, undefined)).toBe(20);
    expect(messages(limit, "")).toBe(20);
    expect(messages(limit, "   ")).toBe(20);
  });

  it("says what is accepted and what was sent, once, instead of zod's own words", () => {
    const rule = "must be a whole number from 1 to 100";
    expect(messages(limit, "abc")).toEqual([`${rule} (got "abc")`]);
    expect(messages(limit, "1.5")).toEqual([`${rule} (got "1.5")`]);
    expect(messages(limit, "0")).toEqual([`${rule} (got 0)`]);
    expect(messages(limit, "101")).toEqual([`${rule} (got 101)`]);
    expect(messages(limit, 2.5)).toEqual([`${rule} (got 2.5)`]);
    expect(messages(limit, true)).toEqual([`${rule} (got true)`]);
    expect(messages(limit, ["3"])).toEqual([`${rule} (got ["3"])`]);
  });

  it("names the unit and an open upper bound", () => {
    const poll = wholeNumber({ min: 20, unit: "milliseconds" }, 1000);
    expect(messages(poll, "fast")).toEqual([
      'must be a whole number of milliseconds, at least 20 (got "fast")',
    ]);
    expect(messages(poll, "1000000")).toBe(1_000_000);
  });

  it("without a fallback, an absent value is zod's Required (callers word it)", () => {
    const required = z.object({ n: wholeNumber({ min: 0 }) });
    const result = required.safeParse({});
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ code: "invalid_type", received: "undefined" });
    expect(required.parse({ n: "3" })).toEqual({ n: 3 });
  });

  it("quotes what was sent briefly", () => {
    expect(shownValue("x".repeat(60))).toBe(`"${"x".repeat(40)}…"`);
    expect(shownValue('a "quoted"\nline')).toBe('"a \\"quoted\\"\\nline"');
    expect(shownValue(null)).toBe("null");
    expect(shownValue(undefined)).toBe("nothing");
    expect(shownValue(Number.POSITIVE_INFINITY)).toBe("Infinity");
  });
});
