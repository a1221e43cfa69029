import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { withApi } from "../api.server";
import { integrationIdParam, scheduleBody } from "../integrations/api/schemas";
import { jsonResponse, methodNotAllowed, parseInput, readJsonBody } from "../integrations/api/http.server";
import { apiSchedule, syncScheduleView, updateSyncSchedule } from "../integrations/sync-schedule.server";

/** GET /api/integrations/{id}/schedule — the store's automatic syncs. */
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  withApi(request, async ({ db, principal }) => {
    const { id } = parseInput(integrationIdParam, params, "path");
    const view = await syncScheduleView(db, principal.organizationId, id);
    return jsonResponse(apiSchedule(id, view));
  });

/** POST /api/integrations/{id}/schedule — changes them; 200 with the schedule now in force. */
export const action = ({ request, params }: ActionFunctionArgs) =>
  request.method !== "POST"
    ? methodNotAllowed(["GET", "POST"])
    : withApi(request, async ({ db, principal }) => {
        const { id } = parseInput(integrationIdParam, params, "path");
        const body = parseInput(scheduleBody, await readJsonBody(request), "body");
        await updateSyncSchedule(db, {
          organizationId: principal.organizationId,
          integrationId: id,
          actor: principal.actor,
          interval: body.reconcileIntervalMinutes,
          window: body.fullResyncWindowUtc,
        });
        const view = await syncScheduleView(db, principal.organizationId, id);
        return jsonResponse(apiSchedule(id, view));
      });
