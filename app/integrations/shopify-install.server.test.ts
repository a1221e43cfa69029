import { describe, expect, it } from "vitest";
import { installProblemsInWords } from "./shopify-install.server";

describe("install problems in the store's status", () => {
  it("shows a missing scope and the first refused webhook topic, then counts the rest", () => {
    const scope = "Shopify did not grant read_all_orders: orders older than 60 days are not synced.";
    const topics = ["customers/create", "customers/update", "orders/create"].map(
      (t) => `Shopify has not approved Commerce Sync to read protected customer data (the ${t} webhook).`,
    );
    expect(installProblemsInWords([scope, ...topics])).toBe(`${scope} ${topics[0]} (2 more like these.)`);
  });

  it("says one or two problems as they are, each once", () => {
    expect(installProblemsInWords(["A.", "A."])).toBe("A.");
    expect(installProblemsInWords(["A.", "B."])).toBe("A. B.");
  });
});
