/**
 * A store's automatic syncs: its own settings (`Integration.settings`, set on the store page) over the deployment's
 * defaults (env RECONCILE_INTERVAL_MINUTES / FULL_RESYNC_WINDOW_UTC). One reading, shared by the scheduler that acts
 * on it and the page that shows it, so the two cannot disagree. Pure: no database, no clock of its own.
 */
import type { Env } from "../env.server";
import { jsonObject } from "../lib/json";

/** The deployment's defaults. */
export interface ScheduleDefaults {
  /** Minutes between scheduled incremental (reconcile) syncs; 0 = none. */
  reconcileIntervalMinutes: number;
  /** "HH:MM-HH:MM" (UTC) of the nightly full re-sync; undefined = none. */
  fullResyncWindowUtc?: string;
}

/** The deployment's defaults from the validated environment (the worker's scheduler and the store page alike). */
export function scheduleDefaultsFrom(
  env: Pick<Env, "RECONCILE_INTERVAL_MINUTES" | "FULL_RESYNC_WINDOW_UTC">,
): ScheduleDefaults {
  return {
    reconcileIntervalMinutes: env.RECONCILE_INTERVAL_MINUTES,
    ...(env.FULL_RESYNC_WINDOW_UTC ? { fullResyncWindowUtc: env.FULL_RESYNC_WINDOW_UTC } : {}),
  };
}

/**
 * When a store's next scheduled check is due: one interval after its last run started; null when it never ran (due
 * at once).
 */
export function reconcileDueAt(lastStartedAt: Date | null, intervalMinutes: number): Date | null {
  return lastStartedAt ? new Date(lastStartedAt.getTime() + intervalMinutes * 60_000) : null;
}

/**
 * When the store's next scheduled check runs, as a page says it: when it is due, or now when that is past (or the
 * store never ran); null when automatic checks are off (interval 0).
 */
export function nextCheckAt(lastStartedAt: Date | null, intervalMinutes: number, now: Date): Date | null {
  if (intervalMinutes <= 0) return null;
  const due = reconcileDueAt(lastStartedAt, intervalMinutes) ?? now;
  return due < now ? now : due;
}

/** What a store's settings may say. A key that is absent (or unreadable) means "the default". */
export interface StoreScheduleSettings {
  reconcileIntervalMinutes?: number;
  /** A window, or "off" to have none even when the deployment has a default one. */
  fullResyncWindowUtc?: string;
}

/** The stored value that turns a default nightly window off for one store. */
export const WINDOW_OFF = "off";

export interface EffectiveSchedule {
  /** 0 = no scheduled incremental syncs. */
  intervalMinutes: number;
  /** True when the store's own setting decides it (else the default). */
  intervalFromStore: boolean;
  /** null = no nightly full re-sync. */
  fullResyncWindowUtc: string | null;
  windowFromStore: boolean;
}

const WINDOW_PATTERN = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/;

/** The window's start and end in minutes of the UTC day, or an error saying what is wrong with it. */
function windowMinutes(window: string): [number, number] {
  const m = WINDOW_PATTERN.exec(window);
  if (!m) throw new Error(`The off-peak window "${window}" must look like 02:00-04:00 (UTC).`);
  const [startMin, endMin] = [Number(m[1]) * 60 + Number(m[2]), Number(m[3]) * 60 + Number(m[4])];
  if (
    Number(m[2]) >= 60 ||
    Number(m[4]) >= 60 ||
    startMin >= 24 * 60 ||
    endMin > 24 * 60 ||
    startMin === endMin
  ) {
    throw new Error(`The off-peak window "${window}" is not a valid time range.`);
  }
  return [startMin, endMin];
}

/** True for a window `windowStartContaining` accepts. */
export function isValidWindow(window: string): boolean {
  try {
    windowMinutes(window);
    return true;
  } catch {
    return false;
  }
}

/**
 * The start of the window occurrence containing `now`, or null when `now` is outside the window.
 * "22:00-02:00" wraps midnight: at 01:00 the occurrence started yesterday at 22:00.
 */
export function windowStartContaining(window: string, now: Date): Date | null {
  const [startMin, endMin] = windowMinutes(window);
  const minuteOfDay = now.getUTCHours() * 60 + now.getUTCMinutes();
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  if (startMin < endMin) {
    return minuteOfDay >= startMin && minuteOfDay < endMin ? new Date(midnight + startMin * 60_000) : null;
  }
  if (minuteOfDay >= startMin) return new Date(midnight + startMin * 60_000);
  if (minuteOfDay < endMin) return new Date(midnight - 24 * 3600_000 + startMin * 60_000);
  return null;
}

/** `Integration.settings` as an object (a JSON column: an object, or its text on some databases; else empty). */
export const settingsObject = jsonObject;

/** The store's schedule settings as stored. */
export function storeScheduleSettings(settings: unknown): StoreScheduleSettings {
  const { reconcileIntervalMinutes: interval, fullResyncWindowUtc: window } = settingsObject(settings);
  return {
    ...(typeof interval === "number" && Number.isFinite(interval) && interval >= 0
      ? { reconcileIntervalMinutes: Math.floor(interval) }
      : {}),
    ...(typeof window === "string" && (window === WINDOW_OFF || isValidWindow(window))
      ? { fullResyncWindowUtc: window }
      : {}),
  };
}

/** The schedule the scheduler follows for a store. An unreadable stored value counts as absent (the default). */
export function effectiveSchedule(settings: unknown, defaults: ScheduleDefaults): EffectiveSchedule {
  const own = storeScheduleSettings(settings);
  // The default is the validated environment's; a range it cannot hold still fails the scheduler's tick, loudly.
  const window = own.fullResyncWindowUtc ?? (defaults.fullResyncWindowUtc || null);
  return {
    intervalMinutes:
      own.reconcileIntervalMinutes ?? Math.max(0, Math.floor(defaults.reconcileIntervalMinutes)),
    intervalFromStore: own.reconcileIntervalMinutes !== undefined,
    fullResyncWindowUtc: window === WINDOW_OFF ? null : window,
    windowFromStore: own.fullResyncWindowUtc !== undefined,
  };
}
