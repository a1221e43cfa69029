/**
 * The one logger of the app, the job runner, the worker and the CLIs: one JSON line per event on stdout (debug,
 * info) or stderr (warn, error), below the configured level dropped. Fields must never hold tokens, keys, secrets or
 * request bodies (payloads may hold personal data); pass ids and counts.
 */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type Logger = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

export interface LogSink {
  out(line: string): void;
  err(line: string): void;
}

/**
 * Lines for stdout not yet written, when the process buffers them (`bufferStdoutLines`, the production server). Kept on
 * `globalThis`: server.ts and the Remix build each bundle their own copy of this module, and both copies must append
 * to the one buffer, so the lines keep their order.
 */
interface StdoutBuffer {
  text: string;
  scheduled: boolean;
  write: (text: string) => void;
}

declare global {
  var __commerceSyncStdoutBuffer: StdoutBuffer | undefined;
}

/** Writes the buffered stdout lines now (no-op when nothing is buffered or buffering is off). */
export function flushStdoutLines(): void {
  const buffer = globalThis.__commerceSyncStdoutBuffer;
  if (!buffer) return;
  buffer.scheduled = false;
  if (buffer.text === "") return;
  const text = buffer.text;
  buffer.text = "";
  buffer.write(text);
}

/**
 * From now on, this process's stdout log lines (debug, info) are collected and written with ONE write per turn of the
 * event loop (`setImmediate`) instead of one synchronous write each: the production server logs a line per request,
 * and under load the write per line was a visible share of its CPU (docs/decisions/0035, addendum "whcpu"). Nothing
 * is lost on a normal end: the buffer is written before every stderr line (warn, error: their order with stdout is
 * kept) and on `exit` (`process.exit`, the signal handlers' path, an empty event loop, an uncaught exception). Only a
 * kill Node cannot see (SIGKILL, a fatal signal without a handler) can drop the lines of the turn in progress, as it
 * drops whatever the process was doing. Idempotent.
 */
export function bufferStdoutLines(
  write: (text: string) => void = (text) => process.stdout.write(text),
): void {
  if (globalThis.__commerceSyncStdoutBuffer) return;
  globalThis.__commerceSyncStdoutBuffer = { text: "", scheduled: false, write };
  // Also emitted when an uncaught exception ends the process.
  process.on("exit", flushStdoutLines);
}

function writeOut(line: string): void {
  const buffer = globalThis.__commerceSyncStdoutBuffer;
  if (!buffer) {
    console.info(line);
    return;
  }
  buffer.text += `${line}\n`;
  if (!buffer.scheduled) {
    buffer.scheduled = true;
    setImmediate(flushStdoutLines);
  }
}

const consoleSink: LogSink = {
  out: writeOut,
  err: (line) => {
    flushStdoutLines();
    console.error(line);
  },
};

/** A logger that writes events at `minLevel` and above. */
export function createLogger(minLevel: LogLevel = "info", sink: LogSink = consoleSink): Logger {
  const threshold = LOG_LEVELS.indexOf(minLevel);
  return (level, message, fields) => {
    if (LOG_LEVELS.indexOf(level) < threshold) return;
    const line = JSON.stringify({ at: new Date().toISOString(), level, message, ...fields });
    if (level === "warn" || level === "error") sink.err(line);
    else sink.out(line);
  };
}

/** Drops everything (tests, library defaults). */
export const silentLogger: Logger = () => {};
