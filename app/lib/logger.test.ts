import { describe, expect, it } from "vitest";
import { createLogger } from "./logger";

function capture(level: Parameters<typeof createLogger>[0]) {
  const out: string[] = [];
  const err: string[] = [];
  const log = createLogger(level, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { log, out, err };
}

describe("logger", () => {
  it("drops events below the configured level", () => {
    const { log, out, err } = capture("warn");
    log("debug", "noise");
    log("info", "started");
    log("warn", "slow", { jobId: "j1" });
    log("error", "broken");
    expect(out).toEqual([]);
    expect(err.map((l) => JSON.parse(l).message)).toEqual(["slow", "broken"]);
    expect(JSON.parse(err[0])).toMatchObject({ level: "warn", jobId: "j1" });
  });

  it("writes debug events only at debug level, info and debug to stdout", () => {
    const { log, out } = capture("debug");
    log("debug", "claim");
    log("info", "done");
    expect(out.map((l) => JSON.parse(l).level)).toEqual(["debug", "info"]);
  });
});
