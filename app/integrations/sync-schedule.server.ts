/**
 * A store's automatic syncs, as its store page shows and changes them: how often the scheduler checks the store for
 * changes a webhook may have missed (a reconcile, i.e. an incremental sync) and whether a nightly full re-sync runs,
 * in which UTC window. The store's own choice is kept in `Integration.settings`; without one the deployment's
 * defaults apply (env RECONCILE_INTERVAL_MINUTES / FULL_RESYNC_WINDOW_UTC). The scheduler reads the same settings
 * through the same function (app/jobs/schedule.ts), so what the page says is what runs.
 */
import { updateIntegrationSettings } from "../db/integration-settings.server";
import { loadEnv } from "../env.server";
import {
  effectiveSchedule,
  nextCheckAt as nextCheckDue,
  scheduleDefaultsFrom,
  WINDOW_OFF,
  type ScheduleDefaults,
} from "../jobs/schedule";
import { AppError } from "../lib/errors";
import type { AppDb } from "../sync/platform";
import { IntegrationNotFoundError } from "./disconnect.server";

/** The intervals a merchant picks from, in minutes (0 = no scheduled checks). */
export const INTERVAL_CHOICES_MINUTES = [15, 30, 60, 180, 360, 720, 1440, 0] as const;

const pad = (n: number) => String(n).padStart(2, "0");

/** Two-hour nightly windows, every two hours of the UTC day. */
export const WINDOW_CHOICES: readonly string[] = Array.from(
  { length: 12 },
  (_, i) => `${pad(i * 2)}:00-${pad((i * 2 + 2) % 24)}:00`,
);

/** The form's value for "use the deployment's default". */
export const DEFAULT_CHOICE = "default";

export interface ScheduleOption {
  value: string;
  label: string;
}

export interface SyncScheduleView {
  /** The store is connected: its schedule runs (and can be changed). */
  active: boolean;
  interval: { minutes: number; fromStore: boolean; label: string; value: string };
  window: { utc: string | null; fromStore: boolean; label: string; value: string };
  /** When the next scheduled check is due (ISO, UTC); null when checks are off or the store is disconnected. */
  nextCheckAt: string | null;
  intervalOptions: ScheduleOption[];
  windowOptions: ScheduleOption[];
}

/** "Every hour", "Every 15 minutes", "Once a day", "Off". */
export function intervalLabel(minutes: number): string {
  if (minutes <= 0) return "Off";
  if (minutes === 1440) return "Once a day";
  if (minutes === 60) return "Every hour";
  if (minutes % 60 === 0) return `Every ${minutes / 60} hours`;
  return minutes === 1 ? "Every minute" : `Every ${minutes} minutes`;
}

/** "02:00–04:00 UTC", or "Off". */
export function windowLabel(window: string | null): string {
  return window ? `${window.replace("-", "–")} UTC` : "Off";
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** The store's schedule in the page's terms; the defaults are the environment's unless given (tests). */
export async function syncScheduleView(
  db: AppDb,
  organizationId: string,
  integrationId: string,
  defaults: ScheduleDefaults = scheduleDefaultsFrom(loadEnv()),
  now: Date = new Date(),
): Promise<SyncScheduleView> {
  const row = await db.integration.findFirst({
    where: { id: integrationId, organizationId },
    select: { id: true, status: true, settings: true },
  });
  if (!row) throw new IntegrationNotFoundError();
  const schedule = effectiveSchedule(row.settings, defaults);
  const active = row.status !== "disconnected";
  let nextCheckAt: string | null = null;
  if (active && schedule.intervalMinutes > 0) {
    const last = await db.syncRun.findFirst({
      where: { integrationId: row.id },
      orderBy: { startedAt: "desc" },
      select: { startedAt: true },
    });
    nextCheckAt = nextCheckDue(last?.startedAt ?? null, schedule.intervalMinutes, now)?.toISOString() ?? null;
  }

  const fallback = effectiveSchedule({}, defaults);
  const intervals: number[] = [...INTERVAL_CHOICES_MINUTES];
  if (schedule.intervalFromStore && !intervals.includes(schedule.intervalMinutes)) {
    intervals.push(schedule.intervalMinutes);
  }
  const windows = [...WINDOW_CHOICES];
  if (
    schedule.windowFromStore &&
    schedule.fullResyncWindowUtc &&
    !windows.includes(schedule.fullResyncWindowUtc)
  ) {
    windows.push(schedule.fullResyncWindowUtc);
  }
  return {
    active,
    interval: {
      minutes: schedule.intervalMinutes,
      fromStore: schedule.intervalFromStore,
      label: intervalLabel(schedule.intervalMinutes),
      value: schedule.intervalFromStore ? String(schedule.intervalMinutes) : DEFAULT_CHOICE,
    },
    window: {
      utc: schedule.fullResyncWindowUtc,
      fromStore: schedule.windowFromStore,
      label: windowLabel(schedule.fullResyncWindowUtc),
      value: schedule.windowFromStore ? (schedule.fullResyncWindowUtc ?? WINDOW_OFF) : DEFAULT_CHOICE,
    },
    nextCheckAt,
    intervalOptions: [
      { value: DEFAULT_CHOICE, label: `Default: ${lowerFirst(intervalLabel(fallback.intervalMinutes))}` },
      ...intervals.map((m) => ({ value: String(m), label: intervalLabel(m) })),
    ],
    windowOptions: [
      { value: DEFAULT_CHOICE, label: `Default: ${lowerFirst(windowLabel(fallback.fullResyncWindowUtc))}` },
      { value: WINDOW_OFF, label: "Off" },
      ...windows.map((w) => ({ value: w, label: windowLabel(w) })),
    ],
  };
}

export interface ScheduleChange {
  organizationId: string;
  integrationId: string;
  actor: string;
  /** Minutes (one of INTERVAL_CHOICES_MINUTES), or "default"; absent = unchanged. */
  interval?: number | typeof DEFAULT_CHOICE;
  /** A window of WINDOW_CHOICES, "off", or "default"; absent = unchanged. */
  window?: string;
}

/** Refused input, in words the page shows. */
export class ScheduleInputError extends AppError {
  constructor(message: string) {
    super("invalid_schedule", message, { httpStatus: 400 });
  }
}

/**
 * Saves the store's choice (other settings keys are kept) and notes who changed it in the audit log. A disconnected
 * store has no schedule to change (409); another organization's store is not found (404).
 */
export async function updateSyncSchedule(db: AppDb, change: ScheduleChange): Promise<void> {
  if (
    change.interval !== undefined &&
    change.interval !== DEFAULT_CHOICE &&
    !(INTERVAL_CHOICES_MINUTES as readonly number[]).includes(change.interval)
  ) {
    throw new ScheduleInputError(
      `Pick how often to check for changes from the list (${INTERVAL_CHOICES_MINUTES.filter((m) => m > 0).join(", ")} minutes, or off).`,
    );
  }
  if (
    change.window !== undefined &&
    change.window !== DEFAULT_CHOICE &&
    change.window !== WINDOW_OFF &&
    !WINDOW_CHOICES.includes(change.window)
  ) {
    throw new ScheduleInputError(
      `"${change.window.slice(0, 40)}" is not one of the nightly windows: pick a two-hour window from the list, or off.`,
    );
  }
  const row = await db.integration.findFirst({
    where: { id: change.integrationId, organizationId: change.organizationId },
    select: { id: true, status: true, organizationId: true },
  });
  if (!row) throw new IntegrationNotFoundError();
  if (row.status === "disconnected") {
    throw new AppError(
      "integration_disconnected",
      "This store is disconnected: it has no automatic syncs to change. Connect it again first.",
      { httpStatus: 409 },
    );
  }
  // The audit entry is written first: on SQLite that takes the write lock before the settings are read, so the
  // read and the write below see the same row; on PostgreSQL the settings update guards itself.
  await db.$transaction(async (tx) => {
    await tx.auditLog.create({
      data: {
        organizationId: row.organizationId,
        integrationId: row.id,
        actor: change.actor,
        action: "integration.schedule_changed",
        detail: {
          ...(change.interval !== undefined ? { reconcileIntervalMinutes: change.interval } : {}),
          ...(change.window !== undefined ? { fullResyncWindowUtc: change.window } : {}),
        },
      },
    });
    // Only the schedule's keys change: what other features keep in the settings meanwhile is kept.
    await updateIntegrationSettings(tx, row.id, (settings) => {
      if (change.interval !== undefined) {
        delete settings.reconcileIntervalMinutes;
        if (change.interval !== DEFAULT_CHOICE) settings.reconcileIntervalMinutes = change.interval;
      }
      if (change.window !== undefined) {
        delete settings.fullResyncWindowUtc;
        if (change.window !== DEFAULT_CHOICE) settings.fullResyncWindowUtc = change.window;
      }
      return settings;
    });
  });
}

/** The schedule as the integrations API returns it. */
export function apiSchedule(integrationId: string, view: SyncScheduleView) {
  return {
    integrationId,
    active: view.active,
    reconcileIntervalMinutes: view.interval.minutes,
    reconcileIntervalSource: view.interval.fromStore ? ("store" as const) : ("default" as const),
    fullResyncWindowUtc: view.window.utc,
    fullResyncWindowSource: view.window.fromStore ? ("store" as const) : ("default" as const),
    nextCheckAt: view.nextCheckAt,
  };
}
