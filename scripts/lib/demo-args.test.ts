import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkDemoArgs, DEMO_SWITCHES, DEMO_VALUE_FLAGS, demoUsage } from "./demo-args";

describe("the demo's command line", () => {
  it("runs with no flags, known flags and their values", () => {
    expect(checkDemoArgs([])).toEqual({ kind: "run" });
    expect(checkDemoArgs(["--app-port", "3300", "--rebuild", "--customers", "20"])).toEqual({ kind: "run" });
  });

  it("prints the usage for --help and -h, naming every flag", () => {
    expect(checkDemoArgs(["--app-port", "3300", "--help"])).toEqual({ kind: "help" });
    expect(checkDemoArgs(["-h"])).toEqual({ kind: "help" });
    for (const flag of [...Object.keys(DEMO_VALUE_FLAGS), ...Object.keys(DEMO_SWITCHES)])
      expect(demoUsage()).toContain(`--${flag}`);
  });

  it("refuses a mistyped flag instead of starting on the defaults", () => {
    const typo = checkDemoArgs(["--app-prot", "3300"]);
    expect(typo.kind).toBe("error");
    expect(typo.kind === "error" && typo.message).toMatch(/^Unknown flag --app-prot\. Usage: npm run demo/);
    const stray = checkDemoArgs(["3300"]);
    expect(stray.kind === "error" && stray.message).toMatch(/^Unexpected argument "3300"/);
  });

  it("refuses a flag without its value", () => {
    expect(checkDemoArgs(["--app-port"])).toEqual({
      kind: "error",
      message: "--app-port needs a value: port of the app (3000).",
    });
    expect(checkDemoArgs(["--data-dir", "--rebuild"]).kind).toBe("error");
  });

  it("knows exactly the flags scripts/demo.ts reads", () => {
    const source = readFileSync("scripts/demo.ts", "utf8");
    const read = new Set<string>();
    for (const m of source.matchAll(/\b(?:option|port)\("([a-z-]+)"/g)) read.add(m[1]);
    for (const m of /const DEFAULT_SEED = \{([^}]*)\}/.exec(source)?.[1].matchAll(/([a-z]+):/g) ?? [])
      read.add(m[1]);
    for (const m of source.matchAll(/argv\.includes\("--([a-z-]+)"\)/g)) read.add(m[1]);
    expect([...read].sort()).toEqual(
      [...Object.keys(DEMO_VALUE_FLAGS), ...Object.keys(DEMO_SWITCHES).filter((f) => f !== "help")].sort(),
    );
  });
});
