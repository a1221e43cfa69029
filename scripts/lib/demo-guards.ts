/**
 * What `npm run demo` checks before it starts anything: every port it needs is free (a taken one is named with the
 * flag that changes it), and no other demo runs on the same data folder (a lock file holding the owner's pid).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { isAbsolute, join } from "node:path";

export class DemoSetupError extends Error {}

/** Resolves when `port` can be bound on 127.0.0.1; rejects naming `flag` otherwise. */
export function assertPortFree(port: number, flag: string, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        new DemoSetupError(
          error.code === "EADDRINUSE"
            ? `Port ${port} (${what}) is already in use. Stop what uses it, or choose another port with ${flag} <port>.`
            : `Cannot listen on port ${port} (${what}): ${error.message}. Choose another with ${flag} <port>.`,
        ),
      );
    });
    server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes `<dataDir>/demo.lock` for this process; refuses when a live demo holds it. A lock left by a demo that died
 * is taken over. Returns the release function (also safe to call twice).
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, "demo.lock");
  if (existsSync(file)) {
    const pid = Number.parseInt(readFileSync(file, "utf8"), 10);
    if (Number.isInteger(pid) && pid !== process.pid && alive(pid)) {
      throw new DemoSetupError(
        `A demo is already running on ${dataDir}/ (pid ${pid}). Stop it first, or run another with --data-dir <folder>.`,
      );
    }
  }
  // Another demo that dies right now leaves its lock behind: take it over. Two demos starting at the same moment:
  // only one creates the file ("wx" fails when it exists).
  if (existsSync(file)) rmSync(file, { force: true });
  try {
    writeFileSync(file, String(process.pid), { flag: "wx" });
  } catch {
    throw new DemoSetupError(
      `Another demo is starting on ${dataDir}/ right now. Stop it first, or run another with --data-dir <folder>.`,
    );
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (existsSync(file) && readFileSync(file, "utf8") === String(process.pid)) rmSync(file);
  };
}

/**
 * The demo's SQLite URL inside `--data-dir`: `file:./data/dev.sqlite` for the default, `file:/abs/dir/dev.sqlite`
 * for an absolute folder (`file:./` before an absolute path made it relative to the working directory, so the
 * database and the folder's `local-secrets.json` parted ways).
 */
export function demoDatabaseUrl(dataDir: string): string {
  const dir = dataDir.length > 1 ? dataDir.replace(/\/+$/, "") : dataDir;
  return isAbsolute(dir) ? `file:${dir}/dev.sqlite` : `file:./${dir.replace(/^\.\//, "")}/dev.sqlite`;
}
