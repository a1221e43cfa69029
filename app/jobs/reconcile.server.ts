/**
 * Webhook maintenance before a scheduled reconcile: the platform makes the store's webhook subscriptions exist and
 * be active (stores delete them on uninstall, after repeated failed deliveries, or by hand). What it found is kept
 * where the UI can read it — `Integration.webhookHealth` (the latest check) — and, when something was repaired or is
 * wrong, in the audit trail (`action: "webhooks.maintained"`, the history). Problems put the integration in
 * `needs_attention` once the reconcile's sync has run (see `flagWebhookProblems`), so a clean sync cannot hide them.
 */
import type { Prisma } from "@prisma/client";
import type { AppDb } from "../db/client.server";
import { leadingStatusCode } from "../lib/attention-cause";
import { errorCode, errorMessage } from "../sync/errors";
import type { IntegrationRow, Platforms, WebhookMaintenanceReport } from "../sync/platform";

/** `Integration.webhookHealth`: the latest webhook maintenance report and when it ran. */
export type WebhookHealth = WebhookMaintenanceReport & { checkedAt: string };

/**
 * Runs the platform's `maintainWebhooks` for one integration (when the platform has it) and stores the report.
 * Never throws: a failed check becomes a problem in the report. Returns null when there is nothing to check.
 */
export async function maintainWebhooks(
  deps: { db: AppDb; platforms: Platforms },
  integration: IntegrationRow,
  signal: AbortSignal,
): Promise<WebhookMaintenanceReport | null> {
  const { db, platforms } = deps;
  if (integration.status === "disconnected" || !platforms.has(integration.platform)) return null;
  const platform = platforms.get(integration.platform);
  if (!platform.maintainWebhooks) return null;

  let report: WebhookMaintenanceReport;
  let context: Awaited<ReturnType<Platforms["contextFor"]>> | null = null;
  try {
    context = await platforms.contextFor(db, integration);
    report = await platform.maintainWebhooks(context, signal);
  } catch (error) {
    const problem = `Commerce Sync could not check this store's webhook subscriptions: ${errorMessage(error)}`;
    report = {
      healthy: [],
      repaired: [],
      gapSuspected: false,
      problems: [problem],
      problemCodes: { [problem]: errorCode(error) ?? "webhooks_check_failed" },
    };
  } finally {
    await context?.close();
  }

  const health: WebhookHealth = { ...report, checkedAt: new Date().toISOString() };
  // An accepted state (a read-only key) found again is not news: only the check that first finds it is audited.
  const before = (integration.webhookHealth as { problems?: unknown } | null | undefined)?.problems;
  const known = (problem: string) =>
    (report.accepted ?? []).includes(problem) && Array.isArray(before) && before.includes(problem);
  const changed = report.repaired.length > 0 || report.problems.some((problem) => !known(problem));
  await db.$transaction([
    db.integration.update({
      where: { id: integration.id },
      data: { webhookHealth: health as unknown as Prisma.InputJsonValue },
    }),
    ...(changed
      ? [
          db.auditLog.create({
            data: {
              organizationId: integration.organizationId,
              integrationId: integration.id,
              actor: "system",
              action: "webhooks.maintained",
              detail: {
                repaired: report.repaired,
                problems: report.problems,
                gapSuspected: report.gapSuspected,
              } as unknown as Prisma.InputJsonValue,
            },
          }),
        ]
      : []),
  ]);
  return report;
}

/** The problems of a maintenance report that need the merchant's attention (not the states they accepted). */
export function problemsToFlag(report: WebhookMaintenanceReport): string[] {
  return report.problems.filter((problem) => !(report.accepted ?? []).includes(problem));
}

/**
 * After the reconcile's sync: webhook problems put the integration in `needs_attention` with the problems as the
 * reason (appended to a sync failure's reason when there is one). A disconnected integration is left alone. Callers
 * pass `problemsToFlag(report)`: an accepted state (a read-only key) is shown on the store's page, not flagged; and
 * the report's `problemCodes`. The status code is the one of all (the sync failure's, the problems') Reconnect may
 * mend, else the first (`leadingStatusCode`); a problem without a code is `webhook_problem` (not known).
 */
export async function flagWebhookProblems(
  db: AppDb,
  integrationId: string,
  problems: string[],
  problemCodes: Readonly<Record<string, string>> = {},
): Promise<void> {
  if (problems.length === 0) return;
  const current = await db.integration.findUnique({
    where: { id: integrationId },
    select: { status: true, statusReason: true, statusCode: true },
  });
  if (!current || current.status === "disconnected") return;
  const flagged = current.status === "needs_attention" && !!current.statusReason;
  const reasons = [...(flagged ? [current.statusReason] : []), ...problems];
  const codes = [
    // A reason flagged before the column existed has no code: not known, like a problem without one.
    ...(flagged ? [current.statusCode ?? "webhook_problem"] : []),
    ...problems.map((problem) => problemCodes[problem] ?? "webhook_problem"),
  ];
  await db.integration.update({
    where: { id: integrationId },
    data: {
      status: "needs_attention",
      statusReason: reasons.join(" "),
      statusCode: leadingStatusCode(codes),
    },
  });
}
