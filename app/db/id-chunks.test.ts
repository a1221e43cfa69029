import { describe, expect, it } from "vitest";
import { idChunks, IDS_PER_STATEMENT } from "./id-chunks";

describe("idChunks", () => {
  it("splits a list into consecutive slices of at most the size, in order, losing nothing", () => {
    const ids = Array.from({ length: 1_234 }, (_, i) => `id${i}`);
    const chunks = idChunks(ids);
    expect(chunks.map((c) => c.length)).toEqual([IDS_PER_STATEMENT, IDS_PER_STATEMENT, 234]);
    expect(chunks.flat()).toEqual(ids);
    expect(idChunks([1, 2, 3, 4], 2)).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it("stays under SQLite's 999 parameters per statement", () => {
    expect(IDS_PER_STATEMENT).toBeLessThan(999);
  });

  it("gives no slice for an empty list (no statement to run) and refuses a size that cannot progress", () => {
    expect(idChunks([])).toEqual([]);
    expect(() => idChunks([1], 0)).toThrow(RangeError);
    expect(() => idChunks([1], 1.5)).toThrow(RangeError);
  });
});
