/**
 * The production HTTP server (`npm start`, demo, e2e): node:http in front of the Remix request handler
 * (docs/decisions/0031-production-server-and-log-redaction.md).
 *
 * - Static files: the files of `build/client` are indexed once at start; only those exact paths are served (no path
 *   is ever joined from request input, so traversal has nothing to reach). `/assets/*` (content-hashed) are
 *   immutable for a year, everything else an hour, with ETag revalidation.
 * - Webhook deliveries (a POST to a path the build's entry module `webhookIntake` knows) skip the Remix router: the
 *   same intake function the webhook routes wrap answers them (app/webhook-intake.server.ts, ADR 0035), after the same
 *   body cap and checks as every request.
 * - Everything else goes to Remix. Request bodies are capped (`maxBodyBytes`): a declared length above the cap is
 *   answered 413 before Remix runs; a chunked body that grows past it is cut off and answered 413 too.
 * - One log line per request through the project logger: method, redacted target (app/lib/request-log.ts), status,
 *   milliseconds. No header, no body.
 * - Remix's load context carries the client's address (`clientIp`, app/lib/client-address.ts): the connection's
 *   own, or X-Forwarded-For's entry of the `trustProxy`-th proxy when proxies are trusted (ADR 0057).
 */
import { createReadStream, readdirSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import path from "node:path";
import { Transform } from "node:stream";
import {
  createReadableStreamFromReadable,
  createRequestHandler,
  writeReadableStreamToWritable,
  type ServerBuild,
} from "@remix-run/node";
import { clientAddress } from "./client-address";
import type { Logger } from "./logger";
import { redactRequestTarget } from "./request-log";
import type { WebhookAnswer, WebhookDelivery } from "./webhook-delivery";

/** Largest request body the server accepts at all (routes may set lower limits of their own). */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface AppServerOptions {
  build: ServerBuild;
  /** `build/client`: the browser assets; null serves none (tests). */
  clientDir: string | null;
  mode: string;
  logger: Logger;
  maxBodyBytes?: number;
  /** Reverse proxies whose X-Forwarded-For entry names the client (TRUST_PROXY); 0 or absent: none. */
  trustProxy?: number;
}

declare module "@remix-run/node" {
  interface AppLoadContext {
    /**
     * The client's address as the production server saw it. Absent where no such server runs (`remix vite:dev`,
     * tests that call a route module directly).
     */
    clientIp?: string;
  }
}

interface StaticFile {
  file: string;
  size: number;
  etag: string;
  lastModified: string;
  contentType: string;
  cacheControl: string;
}

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
};

/** Indexes every file under `dir` by its URL path. */
export function indexStaticFiles(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const walk = (folder: string, urlPrefix: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      const urlPath = `${urlPrefix}/${entry.name}`;
      if (entry.isDirectory()) walk(full, urlPath);
      else if (entry.isFile()) {
        const stat = statSync(full);
        files.set(urlPath, {
          file: full,
          size: stat.size,
          etag: `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`,
          lastModified: stat.mtime.toUTCString(),
          contentType: CONTENT_TYPES[path.extname(entry.name).toLowerCase()] ?? "application/octet-stream",
          cacheControl: urlPath.startsWith("/assets/")
            ? "public, max-age=31536000, immutable"
            : "public, max-age=3600",
        });
      }
    }
  };
  walk(dir, "");
  return files;
}

function serveStatic(req: IncomingMessage, res: ServerResponse, file: StaticFile): void {
  res.setHeader("Cache-Control", file.cacheControl);
  res.setHeader("ETag", file.etag);
  res.setHeader("Last-Modified", file.lastModified);
  if (req.headers["if-none-match"] === file.etag) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.statusCode = 200;
  res.setHeader("Content-Type", file.contentType);
  res.setHeader("Content-Length", file.size);
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  const stream = createReadStream(file.file);
  stream.on("error", () => res.destroy());
  stream.pipe(res);
}

function plain(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = status;
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.setHeader("Connection", "close");
  res.end(text);
}

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)\b/i;

/**
 * A form a browser posted from another site (the only cross-site write a browser sends without a CORS preflight):
 * its Origin names another host than the request's. Remix refuses these too, but as a bare 500 with an error log;
 * here they get a 403 that says why. JSON API calls (bearer tokens, preflighted) and server-to-server webhooks
 * (no Origin) are not concerned. The request's host is `Host`, or `X-Forwarded-Host` only behind trusted proxies
 * (`trustProxy` > 0, as for X-Forwarded-For): anyone can send that header to an app no proxy fronts.
 */
export function isCrossSiteFormPost(
  req: Pick<IncomingMessage, "method" | "headers">,
  trustProxy: number,
): boolean {
  const origin = req.headers.origin;
  if (!origin || !UNSAFE_METHODS.has(req.method ?? "")) return false;
  const type = req.headers["content-type"];
  if (type && !FORM_TYPES.test(type)) return false;
  const forwarded = trustProxy > 0 ? req.headers["x-forwarded-host"] : undefined;
  const host = (typeof forwarded === "string" ? forwarded.split(",")[0].trim() : "") || req.headers.host;
  let originHost: string;
  try {
    originHost = origin === "null" ? "null" : new URL(origin).host;
  } catch {
    return true;
  }
  return originHost !== host;
}

/** What a build's entry module may export for the server: the intake for a webhook POST path, or undefined. */
type WebhookIntake = (
  pathname: string,
) => ((delivery: WebhookDelivery) => Promise<WebhookAnswer>) | undefined;

/** Creates (does not start) the HTTP server. */
export function createAppServer(options: AppServerOptions): Server {
  const handle = createRequestHandler(options.build, options.mode);
  const entry = options.build.entry.module as { webhookIntake?: unknown };
  const webhookIntake =
    typeof entry.webhookIntake === "function" ? (entry.webhookIntake as WebhookIntake) : null;
  const staticFiles = options.clientDir ? indexStaticFiles(options.clientDir) : new Map<string, StaticFile>();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const trustProxy = options.trustProxy ?? 0;
  const log = options.logger;

  const server = createServer((req, res) => {
    const started = performance.now();
    res.once("close", () => {
      log("info", "request", {
        method: req.method,
        path: redactRequestTarget(req.url ?? "/"),
        status: res.writableFinished ? res.statusCode : 499,
        ms: Math.round((performance.now() - started) * 10) / 10,
      });
    });

    const target = req.url ?? "/";
    if (req.method === "GET" || req.method === "HEAD") {
      const q = target.indexOf("?");
      const file = staticFiles.get(q === -1 ? target : target.slice(0, q));
      if (file) return serveStatic(req, res, file);
    }
    void handleWithRemix(req, res).catch((error: unknown) => {
      log("error", "Unhandled error while answering a request", {
        path: redactRequestTarget(target),
        error: error instanceof Error ? error.message : String(error),
      });
      plain(res, 500, "Internal Server Error");
    });
  });

  async function handleWithRemix(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > maxBodyBytes) {
      req.resume();
      return plain(res, 413, `Request body too large: the limit is ${maxBodyBytes} bytes.`);
    }
    if (isCrossSiteFormPost(req, trustProxy)) {
      req.resume();
      return plain(
        res,
        403,
        "Cross-site requests are not accepted here: submit the form from the app's own pages.",
      );
    }
    let url: URL;
    try {
      url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
    } catch {
      return plain(res, 400, "Bad Request: malformed Host header or request target.");
    }
    const intake = req.method === "POST" ? webhookIntake?.(url.pathname) : undefined;
    if (intake) return answerWebhook(req, res, url, intake);

    const headers = new Headers();
    const raw = req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);

    let controller: AbortController | null = new AbortController();
    res.once("finish", () => (controller = null));
    res.once("close", () => controller?.abort());

    let tooLarge = false;
    const init: RequestInit & { duplex?: "half" } = {
      method: req.method,
      headers,
      signal: controller.signal,
    };
    if (req.method !== "GET" && req.method !== "HEAD") {
      let seen = 0;
      const limiter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          seen += chunk.length;
          if (seen > maxBodyBytes) {
            tooLarge = true;
            callback(new Error("request body too large"));
          } else callback(null, chunk);
        },
      });
      req.on("error", (error) => limiter.destroy(error));
      init.body = createReadableStreamFromReadable(req.pipe(limiter));
      init.duplex = "half";
    }
    const request = new Request(url.href, init);
    const response = await handle(request, {
      clientIp: clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], trustProxy),
    });
    if (tooLarge) {
      await response.body?.cancel().catch(() => {});
      return plain(res, 413, `Request body too large: the limit is ${maxBodyBytes} bytes.`);
    }
    res.statusCode = response.status;
    if (response.statusText) res.statusMessage = response.statusText;
    for (const [name, value] of response.headers.entries()) res.appendHeader(name, value);
    if (response.body) await writeReadableStreamToWritable(response.body, res);
    else res.end();
  }

  /**
   * A webhook delivery: its body is read whole anyway (the signature covers the raw bytes) and handed to the intake
   * with the headers Node parsed — no Fetch Request, Headers or body stream per delivery (ADR 0035).
   */
  async function answerWebhook(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    intake: (delivery: WebhookDelivery) => Promise<WebhookAnswer>,
  ): Promise<void> {
    const body = await readBody(req, maxBodyBytes);
    if (body === "too large") {
      return plain(res, 413, `Request body too large: the limit is ${maxBodyBytes} bytes.`);
    }
    const answer = await intake({
      method: "POST",
      headers: req.headers,
      rawBody: body,
      searchParams: url.searchParams,
    });
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  }

  return server;
}

/**
 * The whole body of `req`, or "too large" once it grows past `maxBytes` (the rest is then read and discarded, so
 * the 413 can still be sent on the connection). Rejects when the client aborts.
 */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | "too large"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let seen = 0;
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) {
        req.off("data", onData);
        req.off("end", onEnd);
        req.resume();
        resolve("too large");
      } else chunks.push(chunk);
    };
    const onEnd = () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("error", reject);
    req.once("aborted", () => reject(new Error("request aborted")));
  });
}

/**
 * Listens on `port` (and `host` when given: otherwise every interface, as Node does). A taken or forbidden port
 * rejects with a message that says what to do.
 */
export function listen(server: Server, port: number, host?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const where = `${host ?? "*"}:${port}`;
      if (error.code === "EADDRINUSE")
        reject(
          new Error(
            `Port ${port} is already in use (${where}): another program — perhaps another Commerce Sync — is ` +
              `listening there. Stop it, or start on a free port: PORT=<free port> npm start.`,
          ),
        );
      else if (error.code === "EACCES")
        reject(new Error(`Not allowed to listen on ${where}: choose a port above 1023 (PORT=3000).`));
      else if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND")
        reject(new Error(`HOST=${host} is not an address of this machine: unset HOST or use 127.0.0.1.`));
      else reject(error);
    };
    server.once("error", onError);
    server.listen({ port, host }, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

/**
 * Stops accepting connections, lets requests in flight finish (closing idle keep-alive connections at once), and
 * after `timeoutMs` cuts whatever is left. Resolves when the server is closed.
 */
export function closeGracefully(server: Server, timeoutMs: number): Promise<{ forced: boolean }> {
  return new Promise((resolve) => {
    let forced = false;
    // Requests still arriving on kept-alive connections are answered, then their connection is closed.
    server.prependListener("request", (_req: IncomingMessage, res: ServerResponse) =>
      res.setHeader("Connection", "close"),
    );
    const timer = setTimeout(() => {
      forced = true;
      server.closeAllConnections();
    }, timeoutMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve({ forced });
    });
    server.closeIdleConnections();
  });
}
