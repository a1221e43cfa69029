/**
 * "Sync now" from the embedded app and `POST /api/integrations/{id}/sync`: checks the store belongs to the
 * organization and is connected, queues the run (one waiting request per store and kind: asking twice returns the
 * waiting job) and notes who asked.
 */
import { enqueueSync } from "../jobs/enqueue.server";
import type { JobQueue } from "../jobs/queue.server";
import { AppError } from "../lib/errors";
import type { AppDb } from "../sync/platform";
import type { Resource } from "../sync/types";
import { IntegrationNotFoundError } from "./disconnect.server";

export interface SyncRequest {
  organizationId: string;
  integrationId: string;
  kind: "full" | "incremental";
  resources?: Resource[];
  actor: string;
}

export interface SyncRequested {
  integrationId: string;
  kind: "full" | "incremental";
  jobId: string;
  /** False when the same request was already waiting (nothing new was queued). */
  queued: boolean;
  /** True when the sync starts now: a new one, or the waiting one brought forward from its retry after a failure. */
  startsNow: boolean;
}

export async function requestSync(
  deps: { db: AppDb; queue: JobQueue },
  input: SyncRequest,
): Promise<SyncRequested> {
  const { db, queue } = deps;
  const integration = await db.integration.findFirst({
    where: { id: input.integrationId, organizationId: input.organizationId },
    select: { id: true, status: true, organizationId: true },
  });
  if (!integration) throw new IntegrationNotFoundError();
  if (integration.status === "disconnected") {
    throw new AppError(
      "integration_disconnected",
      "This store is disconnected. Connect it again before syncing.",
      {
        httpStatus: 409,
      },
    );
  }
  const job = await enqueueSync(queue, {
    integrationId: integration.id,
    kind: input.kind,
    ...(input.resources?.length ? { resources: input.resources } : {}),
    triggeredBy: input.actor,
  });
  if (job.created) {
    await db.auditLog.create({
      data: {
        organizationId: integration.organizationId,
        integrationId: integration.id,
        actor: input.actor,
        action: "sync.requested",
        detail: { kind: input.kind, resources: input.resources ?? null, jobId: job.id },
      },
    });
  }
  return {
    integrationId: integration.id,
    kind: input.kind,
    jobId: job.id,
    queued: job.created,
    startsNow: job.created || job.broughtForward === true,
  };
}
