import { describe, expect, it } from "vitest";
import { MoneyError, formatMinorUnits, multiply, sum, toMinorUnits } from "./money";

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
});
