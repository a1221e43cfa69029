import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { withApi } from "../api.server";
import { jsonResponse, methodNotAllowed } from "../integrations/api/http.server";
import { statusContext, listIntegrations } from "../integrations/integrations-view.server";

/** GET /api/integrations — the organization's stores (the seed's `list`). */
export const loader = ({ request }: LoaderFunctionArgs) =>
  withApi(request, async ({ db, principal, queue }) => {
    const context = await statusContext(await queue(), { db, organizationId: principal.organizationId });
    return jsonResponse(await listIntegrations(db, principal.organizationId, context));
  });

export const action = (_args: ActionFunctionArgs) => methodNotAllowed(["GET"]);
