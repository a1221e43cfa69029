import { describe, expect, it } from "vitest";
import { filterChoices, pageNumberOf, searchQueryOf } from "./list-params";

describe("list pages' query string", () => {
  it("reads the page number, page 1 for anything else", () => {
    expect(pageNumberOf(new URL("http://x/app/orders?page=3"))).toBe(3);
    for (const bad of ["", "?page=0", "?page=-2", "?page=abc"])
      expect(pageNumberOf(new URL(`http://x/app/orders${bad}`))).toBe(1);
  });

  it("reads the search, empty when absent and cut to 200 characters", () => {
    expect(searchQueryOf(new URL("http://x/app/contacts?q=jane%20doe"))).toBe("jane doe");
    expect(searchQueryOf(new URL("http://x/app/contacts"))).toBe("");
    expect(searchQueryOf(new URL(`http://x/app/products?q=${"a".repeat(250)}`))).toBe("a".repeat(200));
  });

  it("shows a filter value the records do not have as chosen and matching nothing, not as 'any'", () => {
    const present = [{ label: "Paid", value: "paid" }];
    expect(filterChoices("Any", present, "paid", String)).toEqual([{ label: "Any", value: "" }, ...present]);
    expect(filterChoices("Any", present, null, String)).toEqual([{ label: "Any", value: "" }, ...present]);
    expect(filterChoices("Any", present, "refunded", (v) => v.toUpperCase())).toEqual([
      { label: "Any", value: "" },
      ...present,
      { label: "REFUNDED (none)", value: "refunded" },
    ]);
  });
});
