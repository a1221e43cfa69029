import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { shopifyCallbackQuery } from "../integrations/api/schemas";
import { errorResponse, methodNotAllowed, parseInput } from "../integrations/api/http.server";
import { completeShopifyAuthorization, shopifyAppInAdminUrl } from "../integrations/shopify-oauth.server";
import { shopifyServices } from "../shopify-services.server";

/**
 * GET /api/integrations/shopify/callback — Shopify's redirect after the merchant approved an install started with
 * POST /api/integrations/shopify/connect (the seed's `shopifyCallback`). Public (no bearer token): Shopify's HMAC
 * and the app's sealed, single-use state prove it. Connected → 302 to the app inside the shop's admin.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  try {
    const query = Object.fromEntries(new URL(request.url).searchParams);
    parseInput(shopifyCallbackQuery, query, "query");
    const { oauth } = shopifyServices();
    const result = await completeShopifyAuthorization(oauth, query, { actor: "api:shopify-connect" });
    return redirect(shopifyAppInAdminUrl(oauth, result.shop));
  } catch (error) {
    return errorResponse(error);
  }
};

export const action = (_args: ActionFunctionArgs) => methodNotAllowed(["GET"]);
