import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, openSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** Runs a command to completion with inherited output; throws with the command line when it fails. */
export function run(command: string, args: string[], env: Record<string, string> = {}): void {
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status})`);
}

/** The newest modification time (ms) of the files under `path` (a file or a folder), skipping node_modules. */
function newestMtimeMs(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  }
  return newest;
}

/** What the production bundle is built from: a build older than any of these is rebuilt. */
const BUILD_INPUTS = ["app", "extensions", "public", "vite.config.ts", "package-lock.json"];

/** Builds the production bundle unless an up-to-date one exists (pass force to rebuild). */
export function ensureBuild(force = false): void {
  const built = ["build/server/index.js", "build/extensions/manifest.json"];
  const stale =
    force ||
    !built.every((file) => existsSync(file)) ||
    Math.min(...built.map((file) => statSync(file).mtimeMs)) <
      Math.max(...BUILD_INPUTS.map((input) => newestMtimeMs(input)));
  if (stale) run("npm", ["run", "build", "--silent"]);
}

/** Starts the production server (server.ts, what `npm start` runs) with the given environment. */
export function startAppServer(
  env: Record<string, string>,
  options: { logFile?: string } = {},
): ChildProcess {
  const out = options.logFile ? openSync(options.logFile, "a") : "inherit";
  // Started by node itself (not through npm or npx): signals reach the server, not a wrapper that outlives it.
  const tsx = createRequire(import.meta.url).resolve("tsx");
  return spawn(process.execPath, ["--import", pathToFileURL(tsx).href, "server.ts"], {
    stdio: ["ignore", out, out],
    env: { ...process.env, ...env },
  });
}

/** Waits until `url` answers 200, or throws after `timeoutMs`. */
export async function waitForOk(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not become ready within ${timeoutMs} ms (${last})`);
}

/** The admin UI extensions `npm run build` bundled (build/extensions/manifest.json), for the Shopify emulator. */
export function builtAdminExtensions(): Array<{ handle: string; target: string; file: string }> {
  const manifest = "build/extensions/manifest.json";
  if (!existsSync(manifest)) return [];
  return JSON.parse(readFileSync(manifest, "utf8")) as Array<{
    handle: string;
    target: string;
    file: string;
  }>;
}
