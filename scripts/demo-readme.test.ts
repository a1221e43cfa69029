import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/** The flags scripts/demo.ts reads: option("x"…), port("x"…), count("x") and argv.includes("--x"). */
function demoFlags(): string[] {
  const source = readFileSync("scripts/demo.ts", "utf8");
  const flags = new Set<string>();
  for (const m of source.matchAll(/\b(?:option|port)\("([a-z-]+)"/g)) flags.add(m[1]);
  // count(name) is called with the seed sizes' keys.
  const seed = /const DEFAULT_SEED = \{([^}]*)\}/.exec(source);
  for (const m of seed?.[1].matchAll(/([a-z]+):/g) ?? []) flags.add(m[1]);
  for (const m of source.matchAll(/argv\.includes\("--([a-z-]+)"\)/g)) flags.add(m[1]);
  return [...flags].sort();
}

describe("README quick start", () => {
  it("documents every flag npm run demo reads", () => {
    const flags = demoFlags();
    // The parse itself: a demo.ts rewritten so that nothing matches must not pass by finding no flags.
    expect(flags).toEqual(
      expect.arrayContaining(["app-port", "shopify-port", "woo-port", "data-dir", "customers", "rebuild"]),
    );
    const readme = readFileSync("README.md", "utf8");
    const quickStart = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("## Configuration"));
    for (const flag of flags)
      expect(quickStart, `README quick start names --${flag}`).toContain(`\`--${flag}`);
  });
});
