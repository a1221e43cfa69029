/**
 * What the app keeps of a store that prints PHP messages into its REST answers (ADR 0058): the answers are read past
 * them (`readStoreBody`), and the owner hears of it once — one notice on the store's pages, kept in the store's
 * settings (`WooSettings.phpNotice`) from the first connect or sync that saw such messages until a sync reads the
 * store clean — rather than once per answer or per sync.
 */
import { updateIntegrationSettings, type SettingsDb } from "../../db/integration-settings.server";
import type { PhpOutputTally } from "./client.server";
import { withWooSettings, wooSettingsOf, type PhpNoticeSeen } from "./settings";

/** What `rememberPhpOutput` changed: the notice was new, or gone, or nothing changed. */
export type PhpNoticeChange = "noticed" | "cleared" | null;

export interface RememberOptions {
  /**
   * Whether answers that were all clean remove the notice: yes for a sync's reads (every endpoint), no for the few
   * reads of webhook processing and upkeep, which can record a notice but say too little to remove one.
   */
  clears?: boolean;
  now?: Date;
}

/**
 * Keeps what a client's answers held in the store's settings: a first answer with PHP messages records the notice
 * (with its first message and time), answers that were all clean remove it (unless `clears` is false), anything else
 * (no answer read, or messages seen again) writes nothing.
 */
export async function rememberPhpOutput(
  db: SettingsDb,
  integrationId: string,
  tally: PhpOutputTally,
  { clears = true, now = new Date() }: RememberOptions = {},
): Promise<PhpNoticeChange> {
  const seen = phpNoticeFrom(tally, now);
  if (seen === undefined || (seen === null && !clears)) return null;
  const update = await updateIntegrationSettings(db, integrationId, (current) => {
    const before = wooSettingsOf(current).phpNotice ?? null;
    // Seen again: the notice stands as first recorded (its date says since when).
    return !seen === !before ? current : withWooSettings(current, { phpNotice: seen });
  });
  if (!update?.written) return null;
  return seen ? "noticed" : "cleared";
}

/**
 * The notice a client's answers call for: a new one when some held PHP messages, null when all were clean,
 * undefined when they say nothing (no successful answer).
 */
export function phpNoticeFrom(tally: PhpOutputTally, now: Date): PhpNoticeSeen | null | undefined {
  if (tally.printed > 0 && tally.firstMessage)
    return { message: tally.firstMessage, since: now.toISOString() };
  return tally.clean > 0 ? null : undefined;
}
