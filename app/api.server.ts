/**
 * The integrations API's wiring (like shopify.server.ts for the embedded app): the process's database, Shopify's
 * session-token verification and the job queue handed to `withApi`, which authenticates the caller and turns every
 * thrown error into the API's JSON error shape. Routes under app/routes/api.* call it and stay thin.
 */
import prisma from "./db.server";
import { loadEnv } from "./env.server";
import { getJobQueue } from "./queue.server";
import type { JobQueue } from "./jobs/queue.server";
import {
  authenticateApiRequest,
  errorResponse,
  type ApiPrincipal,
  type SessionTokenVerifier,
} from "./integrations/api/http.server";
import { shopFromSessionToken } from "./integrations/api/session-token.server";
import type { AppDb } from "./sync/platform";

export interface ApiContext {
  db: AppDb;
  principal: ApiPrincipal;
  queue: () => Promise<JobQueue>;
}

/** Shopify session tokens (embedded app, admin extensions): signature, audience and expiry. */
export const verifyShopifySessionToken: SessionTokenVerifier = (token) => {
  const env = loadEnv();
  return shopFromSessionToken(token, { apiKey: env.SHOPIFY_API_KEY, apiSecret: env.SHOPIFY_API_SECRET });
};

/** Authenticates the request and runs `handler`; any error becomes the API's JSON error response. */
export async function withApi(
  request: Request,
  handler: (ctx: ApiContext) => Promise<Response>,
): Promise<Response> {
  try {
    const principal = await authenticateApiRequest(prisma, request, verifyShopifySessionToken);
    return await handler({ db: prisma, principal, queue: getJobQueue });
  } catch (error) {
    return errorResponse(error);
  }
}
