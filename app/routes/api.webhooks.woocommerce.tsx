/**
 * `POST /api/webhooks/woocommerce?integration=<id>`: WooCommerce webhook deliveries (the eleven topics registered on
 * connect, see app/platforms/woocommerce/webhooks.server.ts). Verified, stored once and queued in milliseconds
 * (app/webhook-intake.server.ts; the production server calls the same function before the router).
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWooWebhookHere } from "../webhook-intake.server";

export const action = ({ request }: ActionFunctionArgs) => receiveWooWebhookHere(request);

export const loader = () => new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
