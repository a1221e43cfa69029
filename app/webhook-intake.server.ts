/**
 * Webhook intake of this process: the one function per platform that answers a webhook delivery (verify the raw
 * body's signature, refuse bad input, store the event and its job durably, answer). The Remix webhook routes are thin
 * wrappers of these, and the production server calls the same functions BEFORE the Remix router for the same paths
 * (`webhookIntakeFor`, used by app/lib/app-server.server.ts through the build's entry module): one code path, so the
 * fast path and the routes cannot drift. docs/decisions/0035-webhook-intake-fast-path.md.
 */
import prisma from "./db.server";
import { loadEnv } from "./env.server";
import { appKeyring } from "./crypto/keyring.server";
import { getJobQueue } from "./queue.server";
import { enqueueWebhookEvent } from "./jobs/enqueue.server";
import {
  prismaWebhookEventStore,
  sqliteWebhookEventStore,
  type WebhookEventStore,
} from "./jobs/webhook-intake-store.server";
import {
  answerShopifyDelivery,
  receiveShopifyWebhook,
  type WebhookIngestDeps,
} from "./integrations/shopify-webhooks.server";
import {
  deliveryFromRequest,
  responseFrom,
  type WebhookAnswer,
  type WebhookDelivery,
} from "./lib/webhook-delivery";
import { ingestWooWebhook, MAX_WEBHOOK_BYTES } from "./integrations/woocommerce-webhooks.server";

declare global {
  var __commerceSyncWebhookStore: { db: unknown; store: WebhookEventStore } | undefined;
}

const enqueue = async (event: { id: string; integrationId: string | null }) =>
  enqueueWebhookEvent(await getJobQueue(), event);

/** The process's event store: group commit on SQLite, Prisma + pg-boss on PostgreSQL. */
function webhookEventStore(): WebhookEventStore {
  // Kept per Prisma client (tests swap the process's client between databases).
  const cached = global.__commerceSyncWebhookStore;
  if (cached?.db === prisma) return cached.store;
  void cached?.store.close?.().catch(() => {});
  const viaPrisma = prismaWebhookEventStore(prisma, enqueue);
  const store =
    prisma.$kind === "sqlite"
      ? sqliteWebhookEventStore(prisma, viaPrisma, {
          // The process's many small commits must not checkpoint the WAL on the event loop (ADR 0035).
          backgroundCheckpoints: true,
          // Jobs written in the event's transaction: wake this process's workers (if it runs any) now.
          onJobsCommitted: () =>
            void getJobQueue().then(
              (queue) => queue.notifyEnqueued?.(),
              () => {},
            ),
        })
      : viaPrisma;
  global.__commerceSyncWebhookStore = { db: prisma, store };
  return store;
}

const METHOD_NOT_ALLOWED: WebhookAnswer = {
  status: 405,
  headers: { Allow: "POST" },
  body: "Method Not Allowed",
};

function shopifyDeps(): WebhookIngestDeps {
  const env = loadEnv();
  return {
    db: prisma,
    apiSecret: env.SHOPIFY_API_SECRET,
    customShopDomain: env.SHOP_CUSTOM_DOMAIN,
    enqueue,
    store: webhookEventStore(),
  };
}

/** A Shopify delivery (app/integrations/shopify-webhooks.server.ts): every Shopify webhook path. */
export function answerShopifyDeliveryHere(delivery: WebhookDelivery): Promise<WebhookAnswer> {
  return answerShopifyDelivery(shopifyDeps(), delivery);
}

/** `answerShopifyDeliveryHere` for a Remix route's Request. */
export function receiveShopifyWebhookHere(request: Request): Promise<Response> {
  return receiveShopifyWebhook(shopifyDeps(), request);
}

/** A WooCommerce delivery (`POST /api/webhooks/woocommerce?integration=<id>`). */
export async function answerWooDeliveryHere(delivery: WebhookDelivery): Promise<WebhookAnswer> {
  if (delivery.method !== "POST") return METHOD_NOT_ALLOWED;
  const answer = await ingestWooWebhook(
    { db: prisma, keyring: appKeyring(), enqueue, store: webhookEventStore() },
    {
      integrationId: delivery.searchParams.get("integration"),
      headers: delivery.headers,
      // The signature covers these exact bytes: nothing has parsed or decoded them.
      rawBody: delivery.rawBody,
    },
  );
  return { status: answer.status, headers: { "Content-Type": "text/plain" }, body: answer.body };
}

/** `answerWooDeliveryHere` for a Remix route's Request. */
export async function receiveWooWebhookHere(request: Request): Promise<Response> {
  if (request.method !== "POST") return responseFrom(METHOD_NOT_ALLOWED);
  // Refused before the body is read.
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_WEBHOOK_BYTES) return new Response("Body too large.", { status: 413 });
  return responseFrom(await answerWooDeliveryHere(await deliveryFromRequest(request)));
}

/** The webhook paths (the routes in app/routes and shopify.app.toml) and their intake. */
const INTAKE: ReadonlyMap<string, (delivery: WebhookDelivery) => Promise<WebhookAnswer>> = new Map([
  ["/api/webhooks/shopify", answerShopifyDeliveryHere],
  ["/webhooks/app/uninstalled", answerShopifyDeliveryHere],
  ["/webhooks/bulk_operations/finish", answerShopifyDeliveryHere],
  ["/webhooks/customers/data_request", answerShopifyDeliveryHere],
  ["/webhooks/customers/redact", answerShopifyDeliveryHere],
  ["/webhooks/shop/redact", answerShopifyDeliveryHere],
  ["/api/webhooks/woocommerce", answerWooDeliveryHere],
]);

/**
 * The intake for a POST to `pathname`, or undefined (Remix answers everything else, including other methods on
 * these paths). Exported by app/entry.server.tsx as `webhookIntake` for the production server, which hands it the
 * delivery as node:http read it (no Fetch Request is built).
 */
export function webhookIntakeFor(
  pathname: string,
): ((delivery: WebhookDelivery) => Promise<WebhookAnswer>) | undefined {
  return INTAKE.get(pathname);
}
