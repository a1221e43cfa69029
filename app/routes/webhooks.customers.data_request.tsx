import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveShopifyWebhookHere } from "../shopify-services.server";

/** POST /webhooks/customers/data_request: a Shopify webhook (see shopify.app.toml). Verified, stored once, queued; 200 at once. */
export const action = ({ request }: ActionFunctionArgs) => receiveShopifyWebhookHere(request);
