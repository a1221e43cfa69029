import { describe, expect, it } from "vitest";
import { compareIds } from "./reconcile.server";

describe("compareIds (Shopify ids merged as ascending streams, ADR 0046)", () => {
  it("orders GIDs by the value of their numeric part, exactly past 2^53 where numbers would round", () => {
    const gid = (id: string) => `gid://shopify/Order/${id}`;
    // 2^53 = 9007199254740992: as numbers, ...992 and ...993 are the same value.
    expect(Number("9007199254740993")).toBe(Number("9007199254740992"));
    const ids = [
      "9007199254740993",
      "10",
      "9007199254740992",
      "9",
      "18446744073709551615",
      "820982911946154508",
    ];
    expect(ids.map(gid).sort(compareIds)).toEqual(
      ["9", "10", "9007199254740992", "9007199254740993", "820982911946154508", "18446744073709551615"].map(
        gid,
      ),
    );
    expect(compareIds(gid("9007199254740993"), gid("9007199254740992"))).toBeGreaterThan(0);
    expect(compareIds(gid("9007199254740993"), gid("9007199254740993"))).toBe(0);
    expect(compareIds("99", "100")).toBeLessThan(0);
  });
});
