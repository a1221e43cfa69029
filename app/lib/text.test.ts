import { describe, expect, it } from "vitest";
import { sliceWhole } from "./text";

describe("sliceWhole", () => {
  it("slices as slice does when no emoji is at the cut", () => {
    expect(sliceWhole("abcdef", 3)).toBe("abc");
    expect(sliceWhole("ab", 5)).toBe("ab");
    expect(sliceWhole("abc", 0)).toBe("");
  });

  it("never keeps half a surrogate pair", () => {
    const text = "ab\u{1F6D2}cd"; // a, b, high, low, c, d
    expect(sliceWhole(text, 3)).toBe("ab");
    expect(sliceWhole(text, 4)).toBe("ab\u{1F6D2}");
  });
});
