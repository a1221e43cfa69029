/**
 * The one way to change `Integration.settings`, a JSON column several features share (the store's schedule, the
 * shop's details, WooCommerce's connection facts, missing scopes, when access came back). Each writer reads the
 * object, changes its own keys and writes the whole object back; two writers at once (the merchant saving the
 * schedule while a reconnect or an install writes its keys) would lose one of the changes. Here the write only lands
 * if the row was not written since it was read — `WHERE id = ? AND updatedAt = <read value> AND settings = <read
 * value>`, a compare-and-swap that works the same on SQLite and PostgreSQL, inside or outside a transaction — and a
 * lost race reads again and re-applies the change (docs/decisions/0056-integration-settings-updates.md).
 *
 * `updatedAt` alone is not enough: the writers of other columns (the sync's counters and status, Prisma's
 * `@updatedAt`) stamp it with their own clock, so within one millisecond, or from a host whose clock is behind, a
 * later write can put back the very value a settings writer read after another settings write landed.
 */
import type { Prisma } from "@prisma/client";
import { AppError } from "../lib/errors";
import { jsonObject } from "../lib/json";

export type IntegrationSettings = Record<string, unknown>;

/** The client or an interactive transaction's client (`db.$transaction(async (tx) => …)`). */
export type SettingsDb = Pick<Prisma.TransactionClient, "integration">;

/**
 * Given the settings as stored now, the settings to store: usually `{ ...current, ownKey: value }`. It gets its
 * own copy, may run more than once (once per lost race), and must only change the caller's keys. Returning
 * `current` unchanged (or an equal object) writes nothing.
 */
export type SettingsChange = (
  current: IntegrationSettings,
) => IntegrationSettings | Promise<IntegrationSettings>;

export interface SettingsUpdateOptions {
  /** Reads and writes before giving up (default 10). */
  attempts?: number;
}

export interface SettingsUpdate {
  /** The settings the change was applied to. */
  previous: IntegrationSettings;
  /** The settings now stored. */
  settings: IntegrationSettings;
  /** False when the change left the settings as they were (nothing was written). */
  written: boolean;
}

const DEFAULT_ATTEMPTS = 10;

/**
 * Applies `change` to the integration's settings and stores the result unless another write came first, in which
 * case it reads again and re-applies `change` (up to `attempts` times). Null when the integration does not exist.
 */
export async function updateIntegrationSettings(
  db: SettingsDb,
  integrationId: string,
  change: SettingsChange,
  options: SettingsUpdateOptions = {},
): Promise<SettingsUpdate | null> {
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  // The stored settings are compared as read (PostgreSQL compares jsonb values; SQLite the column's text, which
  // Prisma writes as JSON.stringify does). Text written otherwise (by hand, `{"a": 1}`) never equals what is sent
  // back: a lost race after which the row reads exactly as before is that, and the next attempts guard by updatedAt
  // alone (and store the text in Prisma's form).
  let compareSettings = true;
  let lastRead: string | null = null;
  for (let attempt = 1; ; attempt++) {
    const row = await db.integration.findUnique({
      where: { id: integrationId },
      select: { settings: true, updatedAt: true },
    });
    if (!row) return null;
    const read = `${row.updatedAt.getTime()} ${JSON.stringify(row.settings)}`;
    if (read === lastRead) compareSettings = false;
    lastRead = read;
    const previous: IntegrationSettings = jsonObject(row.settings);
    const next = await change(structuredClone(previous));
    if (JSON.stringify(next) === JSON.stringify(previous))
      return { previous, settings: previous, written: false };
    const written = await db.integration.updateMany({
      where: {
        id: integrationId,
        updatedAt: row.updatedAt,
        ...(compareSettings && row.settings !== null
          ? { settings: { equals: row.settings as Prisma.InputJsonValue } }
          : {}),
      },
      data: {
        settings: next as Prisma.InputJsonObject,
        // Strictly later than the value read, even within the same millisecond (or behind another host's clock),
        // so a writer still holding the old value can never match it.
        updatedAt: new Date(Math.max(Date.now(), row.updatedAt.getTime() + 1)),
      },
    });
    if (written.count === 1) return { previous, settings: next, written: true };
    if (attempt >= attempts) {
      throw new AppError(
        "settings_write_conflict",
        `The store's settings kept changing while they were being saved (${attempts} tries). Try again.`,
        { httpStatus: 409 },
      );
    }
    // Another write landed in between: back off a little (random, so racing writers spread out) and read again.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
  }
}
