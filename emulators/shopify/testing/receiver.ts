/** An app-side HTTP server for tests that records the webhooks it receives. */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { closeWithSockets, listen, readBody } from "../../shared/http";

export interface Receiver {
  url: string;
  /** Every request received: path, headers, raw body. */
  requests: { path: string; headers: IncomingMessage["headers"]; rawBody: string }[];
  /** Decides the status per request (default 200). */
  respond: (path: string, index: number) => number;
  /** Runs inside the request handler with the real node request/response (e.g. shopify.webhooks.validate). */
  inspect?: (req: IncomingMessage, res: ServerResponse, rawBody: string) => Promise<void>;
  close(): Promise<void>;
}

/** An app-side HTTP server that records the webhooks it receives. */
export async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = {
    url: "",
    requests: [],
    respond: () => 200,
    close: async () => undefined,
  };
  const server = createServer((req, res) => {
    void (async () => {
      const rawBody = await readBody(req);
      const path = new URL(req.url ?? "/", "http://x").pathname;
      const index = receiver.requests.length;
      receiver.requests.push({ path, headers: req.headers, rawBody });
      if (receiver.inspect) await receiver.inspect(req, res, rawBody);
      res.writeHead(receiver.respond(path, index), { "Content-Type": "text/plain" });
      res.end("ok");
    })();
  });
  const close = closeWithSockets(server);
  receiver.url = `http://127.0.0.1:${await listen(server)}`;
  receiver.close = close;
  return receiver;
}
