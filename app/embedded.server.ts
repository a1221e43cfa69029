/**
 * The embedded app's wiring for /app routes: Shopify authenticates the request (session token, token exchange), the
 * shop's organization is looked up, and AppErrors thrown by services become JSON responses a route's ErrorBoundary
 * shows (404 for another organization's integration, never its data).
 */
import prisma from "./db.server";
import { authenticate } from "./shopify.server";
import { getJobQueue } from "./queue.server";
import { asRequestedInstall } from "./install-requester.server";
import { rethrowAsResponse } from "./lib/error-response.server";
import { loadEnv } from "./env.server";
import { recheckShopAccess } from "./integrations/shopify-install.server";
import { requireShopOrganization, type ShopOrganization } from "./integrations/organization.server";

export { rethrowAsResponse };

export interface EmbeddedContext {
  db: typeof prisma;
  shop: string;
  /** The scopes the session's shop granted (the reconnect's install records them and notes missing ones). */
  scope: string | null;
  organization: ShopOrganization;
  /** For the audit trail. */
  actor: string;
  queue: typeof getJobQueue;
  /**
   * Authenticates the request again. Without a stored session (a reconnect removed the one Shopify refused),
   * shopify-app-remix exchanges the request's session token for new access and runs afterAuth (the install) first.
   */
  renewAccess(): Promise<void>;
}

/** Authenticates an embedded-app request and resolves the shop's organization. */
export async function embeddedContext(request: Request): Promise<EmbeddedContext> {
  const { session } = await authenticate.admin(request);
  const organization = await requireShopOrganization(prisma, session.shop).catch(rethrowAsResponse);
  const actor = `merchant:${session.shop}`;
  return {
    db: prisma,
    shop: session.shop,
    scope: session.scope ?? null,
    organization,
    actor,
    queue: getJobQueue,
    renewAccess: async () => {
      // Its URL and headers (the session token) without the body, which the route has read by then. The install the
      // new access runs (afterAuth) queues the merchant's full sync, not one "on install".
      await asRequestedInstall({ shop: session.shop, syncTriggeredBy: actor }, () =>
        authenticate.admin(new Request(request.url, { headers: request.headers })),
      );
    },
  };
}

/** What the embedded layout (app/routes/app.tsx) gives App Bridge. */
export interface EmbeddedLayoutContext {
  apiKey: string;
  /** The local App Bridge stand-in's URL (demo and e2e only, with the Shopify emulator); null against Shopify. */
  appBridgeUrl: string | null;
}

/**
 * Authenticates the embedded layout's request and, on a page load of a shop whose access Shopify refused, re-checks
 * that access (recheckShopAccess: a refused token sends the page through the library's bounce page for a new one).
 * A page load carries its session token in the URL; the page's own data requests carry it as a header.
 */
export async function embeddedLayoutContext(request: Request): Promise<EmbeddedLayoutContext> {
  const { admin, session } = await authenticate.admin(request);
  const pageLoad = !request.headers.has("authorization");
  await recheckShopAccess(prisma, { shop: session.shop, pageLoad }, (query) => admin.graphql(query));
  const env = loadEnv();
  return { apiKey: env.SHOPIFY_API_KEY, appBridgeUrl: env.APP_BRIDGE_URL ?? null };
}
