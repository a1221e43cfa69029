/**
 * `POST /api/webhooks/woocommerce?integration=<id>`: WooCommerce webhook deliveries (the nine topics registered on
 * connect, see app/platforms/woocommerce/webhooks.server.ts). Verified, stored once and queued in milliseconds.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { appKeyring } from "../crypto/keyring.server";
import prisma from "../db.server";
import { ingestWooWebhook, MAX_WEBHOOK_BYTES } from "../integrations/woocommerce-webhooks.server";
import { enqueueWebhookEvent } from "../jobs/enqueue.server";
import { getJobQueue } from "../queue.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") {
    return new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
  }
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_WEBHOOK_BYTES) return new Response("Body too large.", { status: 413 });
  const answer = await ingestWooWebhook(
    {
      db: prisma,
      keyring: appKeyring(),
      enqueue: async (event) => enqueueWebhookEvent(await getJobQueue(), event),
    },
    {
      integrationId: new URL(request.url).searchParams.get("integration"),
      headers: request.headers,
      // The signature covers these exact bytes: read them before anything parses the body.
      rawBody: Buffer.from(await request.arrayBuffer()),
    },
  );
  return new Response(answer.body, { status: answer.status, headers: { "Content-Type": "text/plain" } });
};

export const loader = () => new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
