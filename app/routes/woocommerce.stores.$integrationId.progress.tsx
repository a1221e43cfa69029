import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { isAppError } from "../lib/errors";
import { wooApp } from "../woocommerce-app.server";
import { getIntegration } from "../integrations/integrations-view.server";
import { requireOwner } from "../integrations/woocommerce-session.server";
import type { LiveProgress } from "../components/IntegrationDetailView";

/** GET /woocommerce/stores/:id/progress — the store's live status and running sync, polled by its page. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const app = wooApp();
  const { session } = await requireOwner(app.db, app.cookies, request);
  const integration = await getIntegration(app.db, session.organizationId, params.integrationId ?? "").catch(
    (error: unknown) => {
      if (isAppError(error))
        throw json({ code: error.code, message: error.message }, { status: error.httpStatus });
      throw error;
    },
  );
  if (integration.platform !== "woocommerce") throw json({ code: "integration_not_found" }, { status: 404 });
  const progress: LiveProgress = {
    status: integration.status,
    statusReason: integration.statusReason,
    activeRun: integration.activeRun,
    syncedContacts: integration.syncedContacts,
    syncedOrders: integration.syncedOrders,
    syncedProducts: integration.syncedProducts,
    lastSyncAt: integration.lastSyncAt,
  };
  return json(progress, { headers: { "Cache-Control": "no-store" } });
};
