/**
 * The embedded app's wiring for /app routes: Shopify authenticates the request (session token, token exchange), the
 * shop's organization is looked up, and AppErrors thrown by services become JSON responses a route's ErrorBoundary
 * shows (404 for another organization's integration, never its data).
 */
import { json } from "@remix-run/node";
import prisma from "./db.server";
import { authenticate } from "./shopify.server";
import { getJobQueue } from "./queue.server";
import { isAppError } from "./lib/errors";
import { requireShopOrganization, type ShopOrganization } from "./integrations/organization.server";

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

/** Turns an AppError into a thrown JSON response `{ code, message }` with its status; rethrows anything else. */
export function rethrowAsResponse(error: unknown): never {
  if (isAppError(error))
    throw json({ code: error.code, message: error.message }, { status: error.httpStatus });
  throw error;
}
