/**
 * Webhook activity of one store for the detail page: the latest events with their outcome, how many arrived and
 * failed over the last day, and the subscription repairs the reconcile job recorded in the audit trail.
 */
import { parseJsonValue } from "../lib/json";
import type { AppDb } from "../sync/platform";
import { IntegrationNotFoundError } from "./disconnect.server";

export interface WebhookActivity {
  recent: Array<{
    id: string;
    topic: string;
    status: string;
    resourceId: string | null;
    receivedAt: string;
    processedAt: string | null;
    attempts: number;
    lastError: string | null;
    /** A delivery that failed and waits for another try: when (status is then "retrying"). */
    nextAttemptAt: string | null;
  }>;
  last24h: { received: number; failed: number };
  /** Subscription maintenance (created / re-activated / re-created webhooks), newest first. */
  repairs: Array<{ at: string; action: string; summary: string }>;
}

/** Audit actions that describe webhook subscription maintenance. */
const REPAIR_ACTION = /^webhooks?[._]/;

export async function webhookActivity(
  db: AppDb,
  organizationId: string,
  integrationId: string,
  options: { limit?: number; now?: Date } = {},
): Promise<WebhookActivity> {
  const integration = await db.integration.findFirst({
    where: { id: integrationId, organizationId },
    select: { id: true },
  });
  if (!integration) throw new IntegrationNotFoundError();
  const since = new Date((options.now ?? new Date()).getTime() - 86_400_000);
  const [recent, received, failed, audits] = await Promise.all([
    db.webhookEvent.findMany({
      where: { integrationId },
      orderBy: { receivedAt: "desc" },
      take: Math.min(options.limit ?? 15, 100),
      select: {
        id: true,
        topic: true,
        status: true,
        resourceId: true,
        receivedAt: true,
        processedAt: true,
        attempts: true,
        lastError: true,
        nextAttemptAt: true,
      },
    }),
    db.webhookEvent.count({ where: { integrationId, receivedAt: { gte: since } } }),
    db.webhookEvent.count({ where: { integrationId, receivedAt: { gte: since }, status: "failed" } }),
    db.auditLog.findMany({
      where: { organizationId, integrationId, action: { startsWith: "webhook" } },
      orderBy: { createdAt: "desc" },
      take: 20,
    }),
  ]);
  return {
    recent: recent.map((e) => {
      const retryAt = e.status === "received" ? e.nextAttemptAt : null;
      return {
        ...e,
        status: retryAt ? "retrying" : e.status,
        receivedAt: e.receivedAt.toISOString(),
        processedAt: e.processedAt?.toISOString() ?? null,
        nextAttemptAt: retryAt?.toISOString() ?? null,
      };
    }),
    last24h: { received, failed },
    repairs: audits
      .filter((a) => REPAIR_ACTION.test(a.action))
      .map((a) => ({ at: a.createdAt.toISOString(), action: a.action, summary: repairSummary(a.detail) })),
  };
}

/** "orders/create created (missing)" lines from a maintenance report stored as audit detail. */
function repairSummary(detail: unknown): string {
  const d = parseJsonValue<{
    repaired?: Array<{ topic?: string; action?: string; reason?: string }>;
    problems?: string[];
  }>(detail, {});
  const parts = (d.repaired ?? []).map(
    (r) => `${r.topic ?? "?"} ${r.action ?? "repaired"}${r.reason ? ` (${r.reason})` : ""}`,
  );
  for (const p of d.problems ?? []) parts.push(p);
  return parts.join("; ") || "Subscriptions checked";
}
