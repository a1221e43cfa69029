import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { rethrowAsResponse } from "../lib/error-response.server";
import { getJobQueue } from "../queue.server";
import { wooApp } from "../woocommerce-app.server";
import { getIntegration, liveProgress, statusContext } from "../integrations/integrations-view.server";
import { IntegrationNotFoundError } from "../integrations/disconnect.server";
import { requireOwner } from "../integrations/woocommerce-session.server";

/** GET /woocommerce/stores/:id/progress — the store's live status and running sync, polled by its page. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const app = wooApp();
  const { session } = await requireOwner(app.db, app.cookies, request);
  const integration = await getIntegration(
    app.db,
    session.organizationId,
    params.integrationId ?? "",
    await statusContext(await getJobQueue(), {
      db: app.db,
      organizationId: session.organizationId,
      integrationId: params.integrationId ?? "",
    }),
  ).catch(rethrowAsResponse);
  // The WooCommerce pages show WooCommerce stores only; a Shopify store's id is as unknown here as any other.
  if (integration.platform !== "woocommerce") rethrowAsResponse(new IntegrationNotFoundError());
  return json(liveProgress(integration), { headers: { "Cache-Control": "no-store" } });
};
