import type { LoaderFunctionArgs } from "@remix-run/node";
import { withApi } from "../api.server";
import { integrationIdParam, syncHistoryQuery } from "../integrations/api/schemas";
import { jsonResponse, methodNotAllowed, parseInput } from "../integrations/api/http.server";
import { syncHistory } from "../integrations/integrations-view.server";

/** GET /api/integrations/{id}/sync-history — the store's sync runs, newest first (the seed's `syncHistory`). */
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  withApi(request, async ({ db, principal }) => {
    const { id } = parseInput(integrationIdParam, params, "path");
    const query = parseInput(
      syncHistoryQuery,
      Object.fromEntries(new URL(request.url).searchParams),
      "query",
    );
    return jsonResponse(await syncHistory(db, principal.organizationId, id, query));
  });

export const action = () => methodNotAllowed(["GET"]);
