/** The one outgoing HTTP call of the emulator (webhook deliveries, pings, the key approval callback). */
import http from "node:http";
import https from "node:https";

export interface PostResult {
  status: number | null;
  body: string;
  error: string | null;
}

/** One POST, no redirects followed, response body kept (truncated) for the delivery log. */
export function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<PostResult> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ status: null, body: "", error: `Invalid URL: ${url}` });
      return;
    }
    const transport = target.protocol === "https:" ? https : http;
    const request = transport.request(
      target,
      // A local emulator talks to local test servers, often with self-signed certificates.
      { method: "POST", headers, timeout: timeoutMs, rejectUnauthorized: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => {
          if (chunks.reduce((n, c) => n + c.length, 0) < 4096) chunks.push(chunk);
        });
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? null,
            body: Buffer.concat(chunks).toString("utf8").slice(0, 4096),
            error: null,
          }),
        );
        response.on("error", (error) =>
          resolve({ status: response.statusCode ?? null, body: "", error: error.message }),
        );
      },
    );
    request.on("timeout", () =>
      request.destroy(new Error(`Operation timed out after ${timeoutMs} milliseconds`)),
    );
    request.on("error", (error) => resolve({ status: null, body: "", error: error.message }));
    request.end(body);
  });
}
