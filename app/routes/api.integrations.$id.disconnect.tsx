import type { ActionFunctionArgs } from "@remix-run/node";
import { withApi } from "../api.server";
import { disconnectBody, integrationIdParam } from "../integrations/api/schemas";
import { jsonResponse, methodNotAllowed, parseInput, readJsonBody } from "../integrations/api/http.server";
import { disconnectIntegration, platformCleanup } from "../integrations/disconnect.server";
import { getPlatforms } from "../platforms.server";

/** POST /api/integrations/{id}/disconnect — disconnects a store, keeping (default) or deleting its synced data. */
export const action = ({ request, params }: ActionFunctionArgs) =>
  request.method !== "POST"
    ? methodNotAllowed(["POST"])
    : withApi(request, async ({ db, principal, queue }) => {
        const { id } = parseInput(integrationIdParam, params, "path");
        const { keepData } = parseInput(disconnectBody, await readJsonBody(request), "body");
        const result = await disconnectIntegration(
          { db, queue: await queue(), cleanupStore: platformCleanup(getPlatforms(), db) },
          { organizationId: principal.organizationId, integrationId: id, keepData, actor: principal.actor },
        );
        return jsonResponse(result);
      });

export const loader = () => methodNotAllowed(["POST"]);
