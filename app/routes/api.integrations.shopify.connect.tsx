import type { ActionFunctionArgs } from "@remix-run/node";
import { withApi } from "../api.server";
import { shopifyConnectBody } from "../integrations/api/schemas";
import { jsonResponse, methodNotAllowed, parseInput, readJsonBody } from "../integrations/api/http.server";
import { beginShopifyAuthorization, SHOPIFY_API_CALLBACK_PATH } from "../integrations/shopify-oauth.server";
import { shopifyServices } from "../shopify-services.server";

/**
 * POST /api/integrations/shopify/connect — starts connecting a Shopify shop to the caller's organization (the seed's
 * `shopifyConnect`): `{ authUrl }`, Shopify's consent page, to send the merchant to. Shopify then redirects to
 * GET /api/integrations/shopify/callback.
 */
export const action = ({ request }: ActionFunctionArgs) =>
  request.method !== "POST"
    ? methodNotAllowed(["POST"])
    : withApi(request, async ({ principal }) => {
        const { shop } = parseInput(shopifyConnectBody, await readJsonBody(request), "body");
        const { authUrl } = beginShopifyAuthorization(shopifyServices().oauth, {
          shop,
          organizationId: principal.organizationId,
          callbackPath: SHOPIFY_API_CALLBACK_PATH,
        });
        return jsonResponse({ authUrl });
      });

export const loader = () => methodNotAllowed(["POST"]);
