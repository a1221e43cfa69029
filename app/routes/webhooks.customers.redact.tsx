import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveShopifyWebhookHere } from "../webhook-intake.server";

/** POST /webhooks/customers/redact: a Shopify webhook (see shopify.app.toml). Verified, stored once, queued; 200 at once. */
export const action = ({ request }: ActionFunctionArgs) => receiveShopifyWebhookHere(request);

/** Shopify only POSTs here. */
export const loader = () => new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
