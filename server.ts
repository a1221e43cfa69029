/**
 * `npm start`: the production server (docs/decisions/0031-production-server-and-log-redaction.md). Serves
 * `build/client`, runs the Remix build in `build/server`, logs one redacted line per request, listens on PORT (and
 * HOST when set), and on SIGTERM/SIGINT stops accepting, lets requests in flight finish, stops the in-process job
 * runtime, then exits.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { installGlobals, type ServerBuild } from "@remix-run/node";
import { loadEnv } from "./app/env.server";
import { closeGracefully, createAppServer, listen } from "./app/lib/app-server.server";
import { bufferStdoutLines, createLogger } from "./app/lib/logger";

process.env.NODE_ENV ??= "production";
process.setSourceMapsEnabled(true);

async function main() {
  const env = loadEnv();
  // The request log writes a line per request: one stdout write per event-loop turn, flushed on exit (ADR 0035).
  bufferStdoutLines();
  const logger = createLogger(env.LOG_LEVEL);
  const buildFile = path.resolve("build/server/index.js");
  if (!existsSync(buildFile)) {
    console.error(
      `Commerce Sync cannot start: no production build at ${buildFile}. Run \`npm run build\` first.`,
    );
    process.exit(1);
  }
  const build = (await import(pathToFileURL(buildFile).href)) as ServerBuild;
  // As remix-serve did: Remix's fetch globals unless the build uses single fetch (then Node's own).
  installGlobals({ nativeFetch: build.future.v3_singleFetch });

  const server = createAppServer({
    build,
    clientDir: existsSync(build.assetsBuildDirectory) ? path.resolve(build.assetsBuildDirectory) : null,
    mode: process.env.NODE_ENV,
    logger,
    trustProxy: env.TRUST_PROXY,
  });
  const host = env.HOST;
  try {
    await listen(server, env.PORT, host);
  } catch (error) {
    console.error(`Commerce Sync cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  logger("info", "Commerce Sync listening", { url: `http://${host ?? "localhost"}:${env.PORT}` });

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger("warn", "Second signal: exiting now", { signal });
      process.exit(1);
    }
    stopping = true;
    logger("info", "Stopping: finishing requests in flight", { signal });
    const { forced } = await closeGracefully(server, env.SHUTDOWN_TIMEOUT_MS);
    if (forced) logger("warn", "Requests still running at the shutdown timeout were cut off");
    // The in-process job runtime (RUN_JOBS_IN_PROCESS) stops on the same signal; wait for its checkpoint.
    const inProcess = (
      globalThis as { __commerceSyncInProcessJobs?: Promise<{ stop(): Promise<void> } | null> }
    ).__commerceSyncInProcessJobs;
    const runtime = await inProcess?.catch(() => null);
    await runtime?.stop();
    logger("info", "Stopped");
    process.exit(0);
  };
  process.on("SIGTERM", (signal) => void stop(signal));
  process.on("SIGINT", (signal) => void stop(signal));
}

void main();
