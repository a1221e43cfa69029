/** Small HTTP helpers for the core's routes. */
import type { IncomingMessage, ServerResponse } from "node:http";

/** Reads the whole request body as UTF-8 (limit protects the emulator from runaway clients). */
export async function readBody(req: IncomingMessage, maxBytes = 10_000_000): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new Error("Request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(req);
  if (raw.trim() === "") return {};
  const parsed = JSON.parse(raw) as unknown;
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    throw new Error("Expected a JSON object");
  return parsed as Record<string, unknown>;
}

/** Sends JSON; bigints are written as exact integers. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body, (_key, value: unknown) =>
    typeof value === "bigint" ? `__big__${value}` : value,
  ).replace(/"__big__(-?\d+)"/g, "$1");
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(json),
  });
  res.end(json);
}
