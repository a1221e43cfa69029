import type { ActionFunctionArgs } from "@remix-run/node";
import { withApi } from "../api.server";
import { integrationIdParam, syncBody } from "../integrations/api/schemas";
import { jsonResponse, methodNotAllowed, parseInput, readJsonBody } from "../integrations/api/http.server";
import { requestSync } from "../integrations/sync-request.server";

/** POST /api/integrations/{id}/sync — queues a full or incremental sync (the seed's `sync`); 202 with the job. */
export const action = ({ request, params }: ActionFunctionArgs) =>
  request.method !== "POST"
    ? methodNotAllowed(["POST"])
    : withApi(request, async ({ db, principal, queue }) => {
        const { id } = parseInput(integrationIdParam, params, "path");
        const body = parseInput(syncBody, await readJsonBody(request), "body");
        const result = await requestSync(
          { db, queue: await queue() },
          { organizationId: principal.organizationId, integrationId: id, ...body, actor: principal.actor },
        );
        return jsonResponse(result, 202);
      });

export const loader = () => methodNotAllowed(["POST"]);
