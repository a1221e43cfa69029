/**
 * A local WooCommerce 11.0.1 (WordPress 7.1, HPOS on): REST v3 under /wp-json/wc/v3/, its authentication rules,
 * pagination quirks, key approval flow and webhook deliveries, plus a control API under /_emulator/ for tests,
 * demos and benchmarks. This file only starts the HTTP server and routes each request to its capability; see
 * README.md beside it for the contract.
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { fileURLToPath } from "node:url";
import { closeWithSockets, listen, logAnswer, sendHtml, sendJson } from "../shared/http";
import {
  createWooContext,
  type WooEmulator,
  type WooEmulatorContext,
  type WooEmulatorOptions,
} from "./context";
import { applyFault } from "./control/faults";
import { handleControl } from "./control/routes";
import { storefrontHtml } from "./http/pages";
import { handleRestRequest } from "./http/rest-handler";
import type { KeyPermissions } from "./store/records";
import { handleWcAuth } from "./wc-auth/routes";

export { RestError } from "./errors";
export { WooStore } from "./store/store";
export type { Clock } from "./store/records";
export type {
  AnonymousRest,
  Fault,
  WcAuthMode,
  WooEmulator,
  WooEmulatorContext,
  WooEmulatorOptions,
} from "./context";

const FIXTURES = new URL("./fixtures/", import.meta.url);

/** Routes one request to the control API, the key approval flow, the REST API or the storefront. */
async function handle(
  ctx: WooEmulatorContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<number> {
  const url = new URL(req.url ?? "/", "http://emulator.invalid");
  const wireMethod = (req.method ?? "GET").toUpperCase();
  // WordPress honours method overrides on POST (`_method` or X-HTTP-Method-Override), e.g. for DELETE via proxies.
  const override = url.searchParams.get("_method") ?? req.headers["x-http-method-override"];
  const method =
    wireMethod === "POST" && typeof override === "string" && override ? override.toUpperCase() : wireMethod;

  if (url.pathname.startsWith("/_emulator/") || url.pathname === "/_emulator")
    return handleControl(ctx, req, res, url, method);
  // A sub-directory install: WordPress answers only under its path, and routes what follows it.
  const base = ctx.config.installPath;
  if (base) {
    if (url.pathname !== base && !url.pathname.startsWith(`${base}/`)) {
      sendHtml(res, 404, "<!DOCTYPE html>\n<html><body><h1>Not Found</h1></body></html>\n");
      return 404;
    }
    url.pathname = url.pathname.slice(base.length) || "/";
  }
  const path = url.pathname;

  const restRoute = url.searchParams.get("rest_route");
  const isRest =
    path.startsWith("/wp-json/") ||
    path === "/wp-json" ||
    (restRoute !== null && (path === "/" || path === "/index.php"));
  // A `?rest_route=` request under the route it names, as WordPress serves it.
  const routePath = isRest && restRoute ? `/wp-json${restRoute}` : path;
  if (isRest) {
    const params = new URLSearchParams(url.searchParams);
    params.delete("rest_route");
    ctx.load.track(res, { method, path: routePath, params });
  }
  const isAuthFlow = path.startsWith("/wc-auth/v1/");
  if (isRest || isAuthFlow || path === "/") {
    const fault = ctx.faults.take(routePath);
    if (fault && (await applyFault(fault, res, ctx.siteUrl))) return res.statusCode;
  }
  if (isAuthFlow) {
    await handleWcAuth(ctx, res, url, method);
    return res.statusCode;
  }
  if (!isRest) {
    // WordPress's rest_output_link_header: every front-end page names the REST API root.
    sendHtml(res, 200, storefrontHtml(ctx.config.siteName, ctx.siteUrl), {
      Link: `<${ctx.siteUrl}/wp-json/>; rel="https://api.w.org/"`,
    });
    return 200;
  }
  return handleRestRequest(ctx, req, res, { url, method, wireMethod, restRoute });
}

function tlsMaterial(tls: WooEmulatorOptions["tls"]): { key: string; cert: string } {
  if (typeof tls === "object") return tls;
  const read = (name: string) => readFileSync(fileURLToPath(new URL(`tls/${name}`, FIXTURES)), "utf8");
  return { key: read("localhost-key.pem"), cert: read("localhost-cert.pem") };
}

/** Starts the emulator; resolves once it listens (GET /_emulator/health then answers 200). */
export async function startWooEmulator(options: WooEmulatorOptions = {}): Promise<WooEmulator> {
  const ctx = createWooContext(options);
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(ctx, req, res).then(
      (status) => logAnswer(ctx.log, req, status),
      (error: unknown) => {
        // An emulator bug must be visible to the test that hit it, not swallowed.
        const message = error instanceof Error ? error.message : String(error);
        logAnswer(ctx.log, req, 500, `emulator error: ${message}`);
        sendJson(res, 500, { error: error instanceof Error ? error.stack : message });
      },
    );
  };
  const server = options.tls
    ? https.createServer(tlsMaterial(options.tls), listener)
    : http.createServer(listener);
  const closeServer = closeWithSockets(server);
  const port = await listen(server, options.port ?? 0, options.host ?? "127.0.0.1");
  const url = `${options.tls ? "https" : "http"}://127.0.0.1:${port}`;
  if (!ctx.siteUrl) ctx.siteUrl = `${url}${ctx.config.installPath}`;
  if (options.autoDeliver !== false) ctx.deliveries.start();

  return {
    url,
    port,
    store: ctx.store,
    deliveries: ctx.deliveries,
    context: ctx,
    createKey(permissions: KeyPermissions = "read_write") {
      const key = ctx.store.createKey(permissions);
      return { consumer_key: key.consumerKey, consumer_secret: key.consumerSecret, key_id: key.keyId };
    },
    flushDeliveries: () => ctx.deliveries.flush(),
    advanceClock(ms: number) {
      ctx.clockOffsetMs += ms;
    },
    now: () => ctx.clock.now(),
    addFault: (fault) => ctx.faults.add(fault),
    clearFaults: () => ctx.faults.clear(),
    async close() {
      ctx.deliveries.stop();
      await closeServer();
    },
  };
}
