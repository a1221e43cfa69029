import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { embeddedContext, rethrowAsResponse } from "../embedded.server";
import { getIntegration } from "../integrations/integrations-view.server";

/** GET /app/integrations/:id/progress — the store's live status and running sync, polled by the detail page. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { db, organization } = await embeddedContext(request);
  const integration = await getIntegration(db, organization.organizationId, params.id ?? "").catch(
    rethrowAsResponse,
  );
  return json(
    {
      status: integration.status,
      statusReason: integration.statusReason,
      activeRun: integration.activeRun,
      syncedContacts: integration.syncedContacts,
      syncedOrders: integration.syncedOrders,
      syncedProducts: integration.syncedProducts,
      lastSyncAt: integration.lastSyncAt,
    },
    { headers: { "Cache-Control": "no-store" } },
  );
};
