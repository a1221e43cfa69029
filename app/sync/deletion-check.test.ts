import { describe, expect, it } from "vitest";
import { compareIds, unfinishedDeletionCheck } from "./deletion-check";

describe("compareIds (held and store ids merged as ascending streams, ADRs 0045 and 0046)", () => {
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

  it("orders plain decimal ids (WooCommerce) the same way", () => {
    expect(["100", "9", "10", "99"].sort(compareIds)).toEqual(["9", "10", "99", "100"]);
  });
});

describe("unfinishedDeletionCheck", () => {
  it("says where the check looked, why it stopped, and that nothing unconfirmed was removed", () => {
    expect(
      unfinishedDeletionCheck(
        "the store for orders deleted without a webhook",
        new Error("HTTP 503 from the store."),
      ),
    ).toBe(
      "Checking the store for orders deleted without a webhook did not finish: HTTP 503 from the store. Nothing it " +
        "had not confirmed gone was removed; the next sync checks again.",
    );
  });
});
