import type { ActionFunctionArgs } from "@remix-run/node";
import { withApi } from "../api.server";
import { woocommerceConnectBody } from "../integrations/api/schemas";
import { jsonResponse, methodNotAllowed, parseInput, readJsonBody } from "../integrations/api/http.server";
import { connectWooCommerce, wooConnectApiAnswer } from "../integrations/woocommerce-connect.server";
import { wooApp } from "../woocommerce-app.server";

/**
 * POST /api/integrations/woocommerce/connect — connects a WooCommerce store to the caller's organization with a
 * REST key (the seed's `woocommerceConnect`): the connection test, webhooks, the first sync queued. 201 when the
 * store is new, 200 when it was connected already; 422 naming the field when the store refuses; 429 `rate_limited`
 * with Retry-After over a connect limit (ADR 0057).
 */
export const action = ({ request, context }: ActionFunctionArgs) =>
  request.method !== "POST"
    ? methodNotAllowed(["POST"])
    : withApi(request, async ({ principal }) => {
        const body = parseInput(woocommerceConnectBody, await readJsonBody(request), "body");
        const app = wooApp();
        const result = await connectWooCommerce(app, {
          ...body,
          organizationId: principal.organizationId,
          actor: principal.actor,
          signal: request.signal,
          beforeStoreRequest: app.connectLimit({
            clientIp: context.clientIp,
            organizationId: principal.organizationId,
          }),
        });
        const answer = wooConnectApiAnswer(result);
        return jsonResponse(answer.body, answer.status, answer.headers);
      });

export const loader = () => methodNotAllowed(["POST"]);
