/* eslint-disable no-console -- this helper captures console output for the secret scan */
/**
 * The app over real HTTP on loopback for security tests: the Remix server build (routes, entry, error handling) as
 * Vite compiles it, served by the production server module (app/lib/app-server.server.ts: body cap, request log),
 * against a test database. The process-wide Prisma client and job queue are the test's (see routes-harness.ts).
 * Every log line the server and the app write is captured (`lines`) for the secret scan.
 */
import { randomBytes } from "node:crypto";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { resolve } from "node:path";
import type { ServerBuild } from "@remix-run/node";
import { createServer as createViteServer, type ViteDevServer } from "vite";
import { parseEnv } from "../../app/env.server";
import { closeGracefully, createAppServer, listen } from "../../app/lib/app-server.server";
import { createLogger } from "../../app/lib/logger";
import { createJobQueue, type JobQueue } from "../../app/jobs/queue.server";
import type { TestDatabase } from "../setup/db";
import { captureLine, registerSecret } from "../setup/log-capture";

export const HTTP_APP = {
  apiKey: "sec-test-api-key",
  apiSecret: `shpss_sec_${randomBytes(16).toString("hex")}`,
  encryptionKey: randomBytes(32).toString("base64"),
};

export interface HttpApp {
  url: string;
  queue: JobQueue;
  /** Everything logged so far (server request log, app logger, console). */
  lines: string[];
  close(): Promise<void>;
}

/** Captures console output (and what the app's logger writes through it) into `lines`, still printing nothing. */
export function captureConsole(lines: string[]): () => void {
  const methods = ["log", "info", "warn", "error"] as const;
  const saved = methods.map((m) => console[m]);
  for (const m of methods) {
    console[m] = (...args: unknown[]) => {
      const line = args
        .map((a) =>
          a instanceof Error ? `${a.message}\n${a.stack}` : typeof a === "string" ? a : safeJson(a),
        )
        .join(" ");
      lines.push(line);
      captureLine(line);
    };
  }
  return () => methods.forEach((m, i) => (console[m] = saved[i]));
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

export async function startHttpApp(
  t: TestDatabase,
  extraEnv: Record<string, string> = {},
  /** `clientDir`: the browser files the server serves, as `build/client` (none by default). */
  options: { clientDir?: string } = {},
): Promise<HttpApp> {
  const lines: string[] = [];
  const restoreConsole = captureConsole(lines);
  const keep = (l: string) => {
    lines.push(l);
    captureLine(l);
  };
  const logger = createLogger("debug", { out: keep, err: keep });
  registerSecret("http-app SHOPIFY_API_SECRET", HTTP_APP.apiSecret);
  registerSecret("http-app ENCRYPTION_KEY", HTTP_APP.encryptionKey);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  Object.assign(process.env, {
    SHOPIFY_API_KEY: HTTP_APP.apiKey,
    SHOPIFY_API_SECRET: HTTP_APP.apiSecret,
    SHOPIFY_APP_URL: url,
    ENCRYPTION_KEY: HTTP_APP.encryptionKey,
    DATABASE_URL: t.url,
    LOG_LEVEL: "debug",
    // The suites send many connect attempts from 127.0.0.1 on purpose; the limits' own tests set theirs.
    TRUST_PROXY: "0",
    CONNECT_LIMIT_PER_IP: "10000",
    CONNECT_LIMIT_PER_IP_WINDOW_SECONDS: "600",
    CONNECT_LIMIT_PER_ORGANIZATION: "10000",
    CONNECT_LIMIT_PER_ORGANIZATION_WINDOW_SECONDS: "3600",
    ...extraEnv,
  });
  const queue = await createJobQueue(t.db, { databaseUrl: t.url });
  global.__commerceSyncPrisma = t.db;
  global.__commerceSyncJobQueue = Promise.resolve(queue);
  const vite: ViteDevServer = await createViteServer({
    configFile: resolve("vite.config.ts"),
    server: { middlewareMode: true, hmr: false, watch: null },
    appType: "custom",
    logLevel: "silent",
  });
  const build = (await vite.ssrLoadModule("virtual:remix/server-build")) as ServerBuild;
  // As server.ts does: the proxies to trust come from the environment (TRUST_PROXY).
  const server = createAppServer({
    build,
    clientDir: options.clientDir ?? null,
    mode: "production",
    logger,
    trustProxy: parseEnv(process.env).TRUST_PROXY,
  });
  await listen(server, port, "127.0.0.1");
  return {
    url,
    queue,
    lines,
    async close() {
      await closeGracefully(server, 2_000);
      await vite.close();
      await queue.close();
      // Every process-wide singleton of the app (Prisma, queue, Shopify sessions and services, platforms, webhook
      // intake…) holds this database: the next app of this process (another database) must build its own.
      for (const key of Object.keys(globalThis)) {
        if (key.startsWith("__commerceSync")) delete (globalThis as Record<string, unknown>)[key];
      }
      restoreConsole();
    },
  };
}
