/**
 * `POST /wc-auth/callback/<attempt>`: the store's server sends the key the owner just approved
 * (`{key_id, user_id, consumer_key, consumer_secret, key_permissions}`). Only a 200 keeps the key on the store;
 * unknown, expired and replayed attempts are refused.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveApprovedKeys } from "../integrations/woocommerce-approval.server";
import { wooApp } from "../woocommerce-app.server";

export const action = async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "POST")
    return new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
  const answer = await receiveApprovedKeys(wooApp(), params.attemptId ?? "", await request.text());
  return new Response(answer.message, { status: answer.status, headers: { "Content-Type": "text/plain" } });
};

export const loader = () => new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
