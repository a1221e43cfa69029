import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { verifyShopifySessionToken } from "../api.server";
import { errorResponse, jsonResponse } from "../integrations/api/http.server";
import { customerProfileForShop } from "../integrations/customer-profile.server";
import { AppError } from "../lib/errors";

/**
 * GET /extensions/customer-profile?customerId=… — the customer admin block's data. Admin UI extensions run on
 * Shopify's extension origin and send the merchant's session token as a bearer token (no cookies), hence CORS open
 * to any origin and authentication by the token alone.
 */
const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, OPTIONS",
  "Access-Control-Allow-Headers": "Authorization, Content-Type",
  "Access-Control-Max-Age": "600",
};

function withCors(response: Response): Response {
  for (const [key, value] of Object.entries(CORS)) response.headers.set(key, value);
  return response;
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS });
  try {
    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
    const session = token ? await verifyShopifySessionToken(token) : null;
    if (!session)
      throw new AppError("invalid_session_token", "Open this page from your Shopify admin.", {
        httpStatus: 401,
      });
    const customerId = new URL(request.url).searchParams.get("customerId") ?? "";
    return withCors(jsonResponse(await customerProfileForShop(prisma, { shop: session.shop, customerId })));
  } catch (error) {
    return withCors(errorResponse(error));
  }
};

/** Preflight requests reach the action in Remix (OPTIONS is not a GET). */
export const action = ({ request }: LoaderFunctionArgs) =>
  request.method === "OPTIONS"
    ? new Response(null, { status: 204, headers: CORS })
    : withCors(new Response(null, { status: 405 }));
