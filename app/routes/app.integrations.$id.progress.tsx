import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { embeddedContext, rethrowAsResponse } from "../embedded.server";
import { getIntegration, liveProgress, statusContext } from "../integrations/integrations-view.server";

/** GET /app/integrations/:id/progress — the store's live status and running sync, polled by the detail page. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { db, organization, queue } = await embeddedContext(request);
  const integration = await getIntegration(
    db,
    organization.organizationId,
    params.id ?? "",
    await statusContext(await queue(), {
      db,
      organizationId: organization.organizationId,
      integrationId: params.id ?? "",
    }),
  ).catch(rethrowAsResponse);
  return json(liveProgress(integration), { headers: { "Cache-Control": "no-store" } });
};
