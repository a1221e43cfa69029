/**
 * HTTP helpers both emulators use: request bodies with a size limit, bigint-safe JSON answers, HTML answers,
 * redirects, listening on loopback and closing with every socket, and a one-line access log.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { stringifyJson } from "./json";

/** Thrown by readBody when a client sends more than the limit; answer 413. */
export class RequestBodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The request body exceeds ${maxBytes} bytes.`);
    this.name = "RequestBodyTooLargeError";
  }
}

/** Thrown by readJsonObject on a body that is not a JSON object; answer 400. */
export class InvalidJsonBodyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidJsonBodyError";
  }
}

/** Reads the whole request body as UTF-8. The limit protects the emulator from runaway clients. */
export async function readBody(req: IncomingMessage, maxBytes = 10_000_000): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > maxBytes) throw new RequestBodyTooLargeError(maxBytes);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Parses a JSON object body; "" is {}. Throws InvalidJsonBodyError on malformed JSON or a non-object. */
export function parseJsonObject(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidJsonBodyError("The body is not valid JSON.");
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    throw new InvalidJsonBodyError("The body must be a JSON object.");
  return parsed as Record<string, unknown>;
}

/** Reads and parses a JSON object body (see parseJsonObject). */
export async function readJsonObject(
  req: IncomingMessage,
  maxBytes?: number,
): Promise<Record<string, unknown>> {
  return parseJsonObject(await readBody(req, maxBytes));
}

/** Sends `body` as-is with a Content-Length; does nothing once headers are out (a fault may have answered). */
export function sendText(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.writeHead(status, { ...headers, "Content-Length": String(Buffer.byteLength(body)) });
  res.end(body);
}

/** Sends JSON; bigints are written as exact integer literals (ids above 2^53 survive). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendText(res, status, stringifyJson(body), {
    "Content-Type": "application/json; charset=utf-8",
    ...headers,
  });
}

export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string> = {},
): void {
  sendText(res, status, html, { "Content-Type": "text/html; charset=UTF-8", ...headers });
}

export function redirect(res: ServerResponse, location: string, status = 302): void {
  sendText(res, status, "", { Location: location });
}

/**
 * HTML-escapes every `&<>"'` (single quote as &#039;, as WordPress writes it). It encodes entities the text
 * already holds again; the WooCommerce emulator's `escHtml` (woocommerce/http/esc-html.ts) is WordPress's esc_html,
 * which does not.
 */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#039;" })[c]!,
  );
}

/** Listens on host (default 127.0.0.1) and port (0 = any free port); resolves with the bound port. */
export async function listen(server: Server, port = 0, host = "127.0.0.1"): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/**
 * Tracks a server's sockets so close() does not wait for idle keep-alive connections or for requests a fault keeps
 * hanging on purpose. Returns the close function.
 */
export function closeWithSockets(server: Server): () => Promise<void> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };
  server.on("connection", track);
  server.on("secureConnection", track);
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
}

/** A line-oriented log sink (console.log in the command-line emulators, nothing in tests). */
export type LogLine = (line: string) => void;

/**
 * One access-log line for answers worth a developer's attention (404s, 5xx): `404 GET /path` — never a stack trace,
 * never the query string (it can carry keys and signatures).
 */
export function logAnswer(log: LogLine | undefined, req: IncomingMessage, status: number, note = ""): void {
  if (!log || (status !== 404 && status < 500)) return;
  const path = (req.url ?? "/").split("?")[0];
  log(`${status} ${req.method ?? "GET"} ${path}${note ? ` — ${note}` : ""}`);
}
