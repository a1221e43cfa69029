/**
 * Helpers for tests that drive the WooCommerce emulator: the official client, a manual clock, a webhook receiver,
 * fixtures, and a minimal OAuth 1.0a signer for requests the official client cannot make (HMAC-SHA1, replays).
 */
import { createHmac, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import WooModule from "@woocommerce/woocommerce-rest-api";
import { rfc3986 } from "./php";
import type { WooEmulator } from "./server";

type WooClient = import("@woocommerce/woocommerce-rest-api").default;
type WooClientOptions = import("@woocommerce/woocommerce-rest-api").IWooCommerceRestApiOptions;

/** The CommonJS package's default export, whichever way the loader exposes it. */
const WooCommerceRestApi = ((WooModule as unknown as { default?: unknown }).default ?? WooModule) as new (
  options: WooClientOptions,
) => WooClient;

export function wooClient(
  url: string,
  key: { consumer_key: string; consumer_secret: string },
  extra: Partial<WooClientOptions> = {},
): WooClient {
  return new WooCommerceRestApi({
    url,
    consumerKey: key.consumer_key,
    consumerSecret: key.consumer_secret,
    version: "wc/v3",
    ...extra,
  });
}

/** A clock tests move by hand. */
export class ManualClock {
  constructor(public ms: number = Date.UTC(2026, 10, 24, 4, 33, 12)) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), "utf8")) as T;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local HTTP endpoint that records what it receives and answers with `status` (changeable). */
export async function startReceiver(status = 200): Promise<{
  url: string;
  received: ReceivedRequest[];
  setStatus(next: number): void;
  close(): Promise<void>;
}> {
  const received: ReceivedRequest[] = [];
  let answer = status;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      res.writeHead(answer, { "Content-Type": "text/plain" });
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    setStatus(next) {
      answer = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Signs a URL with OAuth 1.0a (query-string style, like the official client) for the given method.
 * `overrides` lets a test pin the nonce/timestamp or choose HMAC-SHA1.
 */
export function signUrl(
  method: string,
  url: string,
  key: { consumer_key: string; consumer_secret: string },
  overrides: {
    nonce?: string;
    timestampSeconds?: number;
    signatureMethod?: "HMAC-SHA1" | "HMAC-SHA256";
  } = {},
): string {
  const target = new URL(url);
  const oauth: Record<string, string> = {
    oauth_consumer_key: key.consumer_key,
    oauth_nonce: overrides.nonce ?? randomBytes(16).toString("hex"),
    oauth_signature_method: overrides.signatureMethod ?? "HMAC-SHA256",
    oauth_timestamp: String(overrides.timestampSeconds ?? Math.floor(Date.now() / 1000)),
    oauth_version: "1.0",
  };
  const params: [string, string][] = [...target.searchParams.entries(), ...Object.entries(oauth)];
  const normalized = params
    .map(([k, v]) => [rfc3986(k), rfc3986(v)])
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const base = `${method.toUpperCase()}&${rfc3986(`${target.origin}${target.pathname}`)}&${rfc3986(normalized)}`;
  const algorithm = oauth.oauth_signature_method === "HMAC-SHA1" ? "sha1" : "sha256";
  const signature = createHmac(algorithm, `${key.consumer_secret}&`).update(base).digest("base64");
  for (const [k, v] of Object.entries(oauth)) target.searchParams.set(k, v);
  target.searchParams.set("oauth_signature", signature);
  return target.toString();
}

/** A REST answer read whole: status, headers and the JSON body (null when empty). */
export interface RestAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

/**
 * `call(method, path, body?, signer?)`: one OAuth-signed request to `/wp-json/wc/v3/<path>` over plain http, as the
 * official client sends it, timestamped by the emulator's clock.
 */
export function signedRestCaller(
  woo: Pick<WooEmulator, "url">,
  clock: { now(): number },
  key: { consumer_key: string; consumer_secret: string },
) {
  return async (
    method: string,
    path: string,
    body?: unknown,
    signer: { consumer_key: string; consumer_secret: string } = key,
  ): Promise<RestAnswer> => {
    const url = signUrl(method, `${woo.url}/wp-json/wc/v3/${path}`, signer, {
      timestampSeconds: Math.floor(clock.now() / 1000),
    });
    const response = await fetch(url, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
  };
}

/** POST /_emulator/keys through HTTP, as an outside process would. */
export async function createKeyOverHttp(
  emulator: Pick<WooEmulator, "url">,
  permissions: "read" | "read_write" | "write",
) {
  const response = await fetch(`${emulator.url}/_emulator/keys`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ permissions }),
  });
  return (await response.json()) as { consumer_key: string; consumer_secret: string; key_id: number };
}

/** Awaits an axios promise that must fail and returns its response (status, data, headers). */
export async function failure(
  promise: Promise<unknown>,
): Promise<{ status: number; data: unknown; headers: Record<string, string> }> {
  try {
    await promise;
  } catch (error) {
    const response = (
      error as { response?: { status: number; data: unknown; headers: Record<string, string> } }
    ).response;
    if (response) return response;
    throw error;
  }
  throw new Error("expected the request to fail");
}
