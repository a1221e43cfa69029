import { describe, expect, it } from "vitest";
import { buyer, earlierIndex } from "./demo-activity";

describe("demo activity", () => {
  it("renames customers spread over all earlier ones, not the same one each tick", () => {
    const renamed = new Set<number>();
    for (let n = 1; n <= 100; n++) {
      const index = earlierIndex(n, n);
      expect(index).toBeGreaterThanOrEqual(0);
      expect(index).toBeLessThan(n);
      renamed.add(index);
    }
    expect(renamed.size).toBeGreaterThan(40);
  });

  it("gives the two stores different buyers and baskets in the same tick", () => {
    let same = 0;
    for (let n = 0; n < 50; n++) {
      const a = buyer(n, 0);
      const b = buyer(n, 1);
      if (a.first === b.first && a.last === b.last && a.amount === b.amount) same++;
      expect(a.renamed).not.toMatch(/\d/);
    }
    expect(same).toBe(0);
  });
});
