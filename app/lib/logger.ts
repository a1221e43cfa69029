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

const consoleSink: LogSink = {
  out: (line) => console.info(line),
  err: (line) => console.error(line),
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
