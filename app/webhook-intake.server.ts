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
import { receiveShopifyWebhook } from "./integrations/shopify-webhooks.server";
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
  const viaPrisma = prismaWebhookEventStore(prisma, enqueue);
  const store =
    prisma.$kind === "sqlite"
      ? sqliteWebhookEventStore(prisma, viaPrisma, {
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

const METHOD_NOT_ALLOWED = () =>
  new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });

/** A Shopify delivery (app/integrations/shopify-webhooks.server.ts): every Shopify webhook path. */
export async function receiveShopifyWebhookHere(request: Request): Promise<Response> {
  const env = loadEnv();
  return receiveShopifyWebhook(
    {
      db: prisma,
      apiSecret: env.SHOPIFY_API_SECRET,
      customShopDomain: env.SHOP_CUSTOM_DOMAIN,
      enqueue,
      store: webhookEventStore(),
    },
    request,
  );
}

/** A WooCommerce delivery (`POST /api/webhooks/woocommerce?integration=<id>`). */
export async function receiveWooWebhookHere(request: Request): Promise<Response> {
  if (request.method !== "POST") return METHOD_NOT_ALLOWED();
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_WEBHOOK_BYTES) return new Response("Body too large.", { status: 413 });
  const answer = await ingestWooWebhook(
    { db: prisma, keyring: appKeyring(), enqueue, store: webhookEventStore() },
    {
      integrationId: new URL(request.url).searchParams.get("integration"),
      headers: request.headers,
      // The signature covers these exact bytes: read them before anything parses the body.
      rawBody: Buffer.from(await request.arrayBuffer()),
    },
  );
  return new Response(answer.body, { status: answer.status, headers: { "Content-Type": "text/plain" } });
}

/** The webhook paths (the routes in app/routes and shopify.app.toml) and their intake. */
const INTAKE: ReadonlyMap<string, (request: Request) => Promise<Response>> = new Map([
  ["/api/webhooks/shopify", receiveShopifyWebhookHere],
  ["/webhooks/app/uninstalled", receiveShopifyWebhookHere],
  ["/webhooks/bulk_operations/finish", receiveShopifyWebhookHere],
  ["/webhooks/customers/data_request", receiveShopifyWebhookHere],
  ["/webhooks/customers/redact", receiveShopifyWebhookHere],
  ["/webhooks/shop/redact", receiveShopifyWebhookHere],
  ["/api/webhooks/woocommerce", receiveWooWebhookHere],
]);

/**
 * The intake for a POST to `pathname`, or undefined (Remix answers everything else, including other methods on
 * these paths). Exported by app/entry.server.tsx as `webhookIntake` for the production server.
 */
export function webhookIntakeFor(pathname: string): ((request: Request) => Promise<Response>) | undefined {
  return INTAKE.get(pathname);
}
