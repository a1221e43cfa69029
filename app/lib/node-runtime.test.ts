import { describe, expect, it } from "vitest";
import { assertSupportedNode, SUPPORTED_NODE_MAJOR } from "./node-runtime";

describe("assertSupportedNode", () => {
  it("refuses Node 20 with a message that says how to run on Node 24", () => {
    expect(() => assertSupportedNode("20.20.2")).toThrow(/runs on Node\.js 24, not 20\.20\.2.*npm scripts/);
  });

  it("accepts the supported major and the newer ones better-sqlite3 supports", () => {
    expect(() => assertSupportedNode(`${SUPPORTED_NODE_MAJOR}.21.0`)).not.toThrow();
    expect(() => assertSupportedNode("22.12.0")).not.toThrow();
  });

  it("is what the test suite itself runs on", () => {
    expect(Number(process.versions.node.split(".")[0])).toBe(SUPPORTED_NODE_MAJOR);
  });
});
