import { describe, expect, it } from "vitest";
import { MoneyError, formatMinorUnits, multiply, roundToMinorUnits, sum, toMinorUnits } from "./money";

describe("money", () => {
  it("multiplies 19.99 by 3 to exactly 59.97", () => {
    expect(formatMinorUnits(multiply(toMinorUnits("19.99", "USD"), 3), "USD")).toBe("59.97");
  });

  it("adds amounts that floats get wrong (0.1 + 0.2)", () => {
    expect(formatMinorUnits(sum([toMinorUnits("0.10", "EUR"), toMinorUnits("0.20", "EUR")]), "EUR")).toBe(
      "0.30",
    );
  });

  it("respects zero- and three-decimal currencies", () => {
    expect(toMinorUnits("1500", "JPY")).toBe(1500n);
    expect(formatMinorUnits(1500n, "JPY")).toBe("1500");
    expect(toMinorUnits("1.234", "KWD")).toBe(1234n);
    expect(formatMinorUnits(1234n, "KWD")).toBe("1.234");
  });

  it("accepts trailing zeros and JSON numbers, and keeps signs", () => {
    expect(toMinorUnits("19.990", "USD")).toBe(1999n);
    expect(toMinorUnits(9.5, "USD")).toBe(950n);
    expect(toMinorUnits("-5.00", "USD")).toBe(-500n);
    expect(formatMinorUnits(-5n, "USD")).toBe("-0.05");
  });

  it("keeps amounts beyond 2^53 minor units exact", () => {
    expect(formatMinorUnits(toMinorUnits("90071992547409.93", "USD"), "USD")).toBe("90071992547409.93");
  });

  it("refuses amounts that would need rounding or are not numbers", () => {
    expect(() => toMinorUnits("19.995", "USD")).toThrow(MoneyError);
    expect(() => toMinorUnits("abc", "USD")).toThrow(/not a decimal amount/);
    expect(() => toMinorUnits("", "USD")).toThrow(MoneyError);
  });

  it("rounds to the currency's minor unit half away from zero, as PHP's round() does", () => {
    expect(roundToMinorUnits("10.125", "USD")).toBe(1013n);
    expect(roundToMinorUnits("10.124999", "USD")).toBe(1012n);
    expect(roundToMinorUnits("-10.125", "USD")).toBe(-1013n);
    expect(roundToMinorUnits("-0.004", "USD")).toBe(0n);
    expect(roundToMinorUnits("1081.08", "JPY")).toBe(1081n);
    expect(roundToMinorUnits("1081.50", "JPY")).toBe(1082n);
    expect(roundToMinorUnits("1.2345", "KWD")).toBe(1235n);
    expect(roundToMinorUnits("19.99", "USD")).toBe(1999n);
    expect(roundToMinorUnits("7", "USD")).toBe(700n);
    expect(roundToMinorUnits(".5", "JPY")).toBe(1n);
  });

  it("rounds a quotient once, so a unit price is not rounded twice", () => {
    expect(roundToMinorUnits("10.00", "USD", 3n)).toBe(333n);
    expect(roundToMinorUnits("0.05", "USD", 2n)).toBe(3n);
    // 10.0149 ÷ 1 would be 10.01; rounded to 10.015 first and then to cents it would wrongly be 10.02.
    expect(roundToMinorUnits("10.0149", "USD")).toBe(1001n);
    expect(roundToMinorUnits("0.3333", "USD", 1n)).toBe(33n);
  });

  it("rounds JSON numbers through their shortest text, never through float arithmetic", () => {
    expect(roundToMinorUnits(3.3333333333333335, "USD")).toBe(333n);
    expect(roundToMinorUnits(1.005, "USD")).toBe(101n); // 1.005 * 100 is 100.49999999999999 in floating point
  });

  it("keeps rounding exact beyond 2^53 and refuses what is not an amount", () => {
    expect(roundToMinorUnits("90071992547409.935", "USD")).toBe(9007199254740994n);
    expect(() => roundToMinorUnits("abc", "USD")).toThrow(/not a decimal amount/);
    expect(() => roundToMinorUnits("1e3", "USD")).toThrow(MoneyError);
    expect(() => roundToMinorUnits("10.00", "USD", 0n)).toThrow(MoneyError);
  });
});
