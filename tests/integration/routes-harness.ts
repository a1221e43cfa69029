/**
 * Loads the app's real Remix route modules against a test database: the process-wide Prisma client and job queue
 * (app/db.server.ts, app/jobs/app-queue.server.ts) are replaced by the test's before the modules are imported, and
 * the environment is the one the app validates at boot. Each `loadRoutes` call gets a fresh module graph.
 */
import { randomBytes } from "node:crypto";
import { SignJWT } from "jose";
import { vi } from "vitest";
import { createJobQueue, type JobQueue } from "../../app/jobs/queue.server";
import type { TestDatabase } from "../setup/db";

export const TEST_APP = {
  apiKey: "test-api-key",
  apiSecret: "test-api-secret-0123456789",
  appUrl: "http://127.0.0.1:39999",
};

type RouteArgs = { request: Request; params: Record<string, string>; context: Record<string, unknown> };
type RouteModule = {
  loader?: (args: RouteArgs) => Promise<Response> | Response;
  action?: (args: RouteArgs) => Promise<Response> | Response;
};

export interface RouteHarness {
  queue: JobQueue;
  /** Calls the route module's loader (GET/HEAD) or action (anything else) like Remix does. */
  call(
    file: string,
    init: {
      method?: string;
      path: string;
      params?: Record<string, string>;
      token?: string | null;
      body?: unknown;
      headers?: Record<string, string>;
    },
  ): Promise<Response>;
  close(): Promise<void>;
}

export async function loadRoutes(t: TestDatabase): Promise<RouteHarness> {
  Object.assign(process.env, {
    SHOPIFY_API_KEY: TEST_APP.apiKey,
    SHOPIFY_API_SECRET: TEST_APP.apiSecret,
    SHOPIFY_APP_URL: TEST_APP.appUrl,
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    DATABASE_URL: t.url,
  });
  const queue = await createJobQueue(t.db, { databaseUrl: t.url });
  global.__commerceSyncPrisma = t.db;
  global.__commerceSyncJobQueue = Promise.resolve(queue);
  vi.resetModules();
  const modules = new Map<string, RouteModule>();
  return {
    queue,
    async call(file, init) {
      let mod = modules.get(file);
      if (!mod) {
        mod = (await import(/* @vite-ignore */ `../../app/routes/${file}`)) as RouteModule;
        modules.set(file, mod);
      }
      const method = init.method ?? "GET";
      const headers: Record<string, string> = { ...init.headers };
      if (init.token) headers.Authorization = `Bearer ${init.token}`;
      let body: string | undefined;
      if (init.body !== undefined) {
        body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
        headers["Content-Type"] ??= "application/json";
      }
      const request = new Request(`${TEST_APP.appUrl}${init.path}`, { method, headers, body });
      const handler = method === "GET" || method === "HEAD" ? mod.loader : mod.action;
      // Remix answers 405 for a method a resource route has no handler for.
      if (!handler) return new Response(null, { status: 405 });
      try {
        return await handler({ request, params: init.params ?? {}, context: {} });
      } catch (thrown) {
        if (thrown instanceof Response) return thrown;
        throw thrown;
      }
    },
    async close() {
      await queue.close();
      global.__commerceSyncJobQueue = undefined;
      global.__commerceSyncPrisma = undefined;
    },
  };
}

/** A session token as Shopify (and the emulator) signs it for `shop`. */
export async function sessionToken(
  shop: string,
  options: { secret?: string; audience?: string; expiresInS?: number } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ dest: `https://${shop}`, sid: randomBytes(8).toString("hex") })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(`https://${shop}/admin`)
    .setAudience(options.audience ?? TEST_APP.apiKey)
    .setSubject("1")
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + (options.expiresInS ?? 60))
    .sign(new TextEncoder().encode(options.secret ?? TEST_APP.apiSecret));
}

/**
 * Forgets the process's Shopify wiring (platforms, Shopify services, session storage), which is built once per
 * process from the environment: call it after pointing SHOPIFY_EMULATOR_URL at a test's emulator and again after.
 */
export function forgetShopifyServices(): void {
  global.__commerceSyncPlatforms = undefined;
  global.__commerceSyncShopifyServices = undefined;
  global.__commerceSyncShopifySessions = undefined;
}
