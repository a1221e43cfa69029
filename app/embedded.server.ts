/**
 * The embedded app's wiring for /app routes: Shopify authenticates the request (session token, token exchange), the
 * shop's organization is looked up, and AppErrors thrown by services become JSON responses a route's ErrorBoundary
 * shows (404 for another organization's integration, never its data).
 */
import prisma from "./db.server";
import { authenticate } from "./shopify.server";
import { getJobQueue } from "./queue.server";
import { rethrowAsResponse } from "./lib/error-response.server";
import { requireShopOrganization, type ShopOrganization } from "./integrations/organization.server";

export { rethrowAsResponse };

export interface EmbeddedContext {
  db: typeof prisma;
  shop: string;
  organization: ShopOrganization;
  /** For the audit trail. */
  actor: string;
  queue: typeof getJobQueue;
}

/** Authenticates an embedded-app request and resolves the shop's organization. */
export async function embeddedContext(request: Request): Promise<EmbeddedContext> {
  const { session } = await authenticate.admin(request);
  const organization = await requireShopOrganization(prisma, session.shop).catch(rethrowAsResponse);
  return {
    db: prisma,
    shop: session.shop,
    organization,
    actor: `merchant:${session.shop}`,
    queue: getJobQueue,
  };
}
