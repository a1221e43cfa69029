/**
 * The app's WooCommerce webhook address as a store sees it, for tests that run the store (the emulator) against the
 * real intake: creation pings are recorded, anything else is refused as the route would.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Keyring } from "../../crypto/encryption.server";
import type { AppDb } from "../../sync/platform";
import { ingestWooWebhook } from "../woocommerce-webhooks.server";

/** Answers one request to the webhook address (`?integration=<id>`) whose body was read as `rawBody`. */
export function answerWooWebhook(
  deps: { db: AppDb; keyring: Keyring },
  req: IncomingMessage,
  rawBody: Buffer,
  res: ServerResponse,
): void {
  const integrationId = new URL(req.url ?? "/", "http://x").searchParams.get("integration");
  void ingestWooWebhook(
    { ...deps, enqueue: async () => undefined },
    { integrationId, headers: req.headers, rawBody },
  ).then(
    (answer) => res.writeHead(answer.status).end(answer.body),
    () => res.writeHead(500).end(),
  );
}
