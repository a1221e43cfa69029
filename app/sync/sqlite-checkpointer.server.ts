/**
 * WAL checkpoints of the app's SQLite file on a background thread instead of inside commits.
 *
 * Why: with `journal_mode = WAL` a commit appends pages to the log, and the connection that commits past
 * `wal_autocheckpoint` pages (1,000) then copies the log back into the database file and fsyncs both — synchronously,
 * on the event loop, inside that commit. For the web server's webhook intake (hundreds of small group commits per
 * second) that was most of the time the loop spent blocked in SQLite (measured: docs/decisions/0035). Here the
 * connection stops checkpointing itself and a worker thread with its own connection to the same file runs
 * `PRAGMA wal_checkpoint(PASSIVE)` every `intervalMs`: PASSIVE never waits for (or blocks) the writer or readers, it
 * copies what it can.
 *
 * Durability does not change: a commit is durable once its pages are in the log (the same `synchronous = NORMAL`
 * contract as before, ADR 0008/0030); the checkpoint only moves them into the main file. If the thread stops (an
 * error, or `stop()`), the connection checkpoints itself again as before.
 */
import { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";

export interface BackgroundCheckpoints {
  /** Stops the thread; the connection checkpoints itself again. */
  stop(): Promise<void>;
}

// Plain CommonJS run by the worker (eval: the server build is bundled, so there is no module file to point at).
const THREAD = `
const { workerData } = require("node:worker_threads");
const Database = require("better-sqlite3");
const db = new Database(workerData.file, { fileMustExist: true });
const checkpoint = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
setInterval(() => checkpoint.get(), workerData.intervalMs);
`;

/**
 * Moves `connection`'s WAL checkpoints to a worker thread (see above). Returns null — and changes nothing — for an
 * in-memory database or a connection not in WAL mode.
 */
export function startBackgroundCheckpoints(
  connection: Database.Database,
  options: { intervalMs?: number } = {},
): BackgroundCheckpoints | null {
  if (connection.memory || String(connection.pragma("journal_mode", { simple: true })) !== "wal") return null;
  const worker = new Worker(THREAD, {
    eval: true,
    workerData: { file: connection.name, intervalMs: options.intervalMs ?? 100 },
  });
  // Never keeps the process alive.
  worker.unref();
  // Restored when the thread stops (the app's connections set their own value, app/sync/sqlite-connection.server.ts).
  const previousPages = Number(connection.pragma("wal_autocheckpoint", { simple: true }));
  connection.pragma("wal_autocheckpoint = 0");
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    try {
      if (connection.open) connection.pragma(`wal_autocheckpoint = ${previousPages}`);
    } catch {
      // the connection is closing: nothing to restore
    }
  };
  worker.once("error", restore);
  worker.once("exit", restore);
  return {
    async stop() {
      restore();
      await worker.terminate();
    },
  };
}
