import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { bufferStdoutLines, createLogger, flushStdoutLines } from "./logger";

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

describe("stdout lines buffered per event-loop turn (the production server, ADR 0035)", () => {
  let writes: string[];
  let onWrite: (text: string) => void;
  const nextTurn = () => new Promise((r) => setImmediate(r));

  beforeEach(() => {
    writes = [];
    onWrite = (text) => writes.push(text);
    bufferStdoutLines((text) => onWrite(text));
  });
  afterEach(() => {
    // Back to one write per line for the rest of the file.
    globalThis.__commerceSyncStdoutBuffer = undefined;
    process.off("exit", flushStdoutLines);
    vi.restoreAllMocks();
  });

  it("writes the lines of one turn with one write, in order, once the turn ends", async () => {
    const log = createLogger("info");
    log("info", "request", { n: 1 });
    log("debug", "dropped");
    log("info", "request", { n: 2 });
    log("info", "request", { n: 3 });
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toHaveLength(1);
    expect(writes[0].endsWith("\n")).toBe(true);
    expect(
      writes[0]
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l).n),
    ).toEqual([1, 2, 3]);
    log("info", "request", { n: 4 });
    await nextTurn();
    expect(writes.map((w) => w.trimEnd().split("\n").length)).toEqual([3, 1]);
  });

  it("shares one buffer between logger copies, and writes it before any stderr line", () => {
    const order: string[] = [];
    onWrite = (text) => order.push(`out:${text.trimEnd()}`);
    vi.spyOn(console, "error").mockImplementation((line: string) => order.push(`err:${line}`));
    const a = createLogger("info");
    const b = createLogger("info");
    a("info", "first");
    b("info", "second");
    a("warn", "third");
    expect(order.map((o) => o.slice(0, 4))).toEqual(["out:", "err:"]);
    expect(
      order[0]
        .slice(4)
        .split("\n")
        .map((l) => JSON.parse(l).message),
    ).toEqual(["first", "second"]);
    expect(JSON.parse(order[1].slice(4)).message).toBe("third");
  });

  it("loses nothing when the process exits or crashes before the turn ends", () => {
    const logger = resolve(__dirname, "logger.ts");
    const run = (ending: string) =>
      spawnSync(
        process.execPath,
        [
          "--import",
          "tsx",
          "--input-type=module",
          "-e",
          `import { bufferStdoutLines, createLogger } from ${JSON.stringify(pathToFileURL(logger).href)};
           bufferStdoutLines();
           const log = createLogger("info");
           for (let i = 0; i < 3; i++) log("info", "request", { i });
           ${ending}`,
        ],
        { encoding: "utf8" },
      );
    // Exit now; crash before the turn ends (an uncaught exception); end with an empty event loop.
    for (const ending of ["process.exit(0);", "process.nextTick(() => { throw new Error('boom'); });", ""]) {
      const child = run(ending);
      expect(
        child.stdout
          .trimEnd()
          .split("\n")
          .map((l) => JSON.parse(l).i),
        ending,
      ).toEqual([0, 1, 2]);
    }
  });
});
