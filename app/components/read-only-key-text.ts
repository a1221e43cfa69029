/**
 * What a store page says about a WooCommerce store connected with a read-only key (ADR 0050, addendum of
 * 2026-12-03): one statement of the state — Commerce Sync cannot create or repair the store's webhooks, so changes
 * arrive with the scheduled checks — and of the way to real-time updates (a Read/Write key, through Reconnect). The
 * page's other parts (automatic syncs, webhook activity) must not promise changes "within seconds" beside it.
 */

export interface ReadOnlyKeyNotice {
  title: string;
  paragraphs: string[];
}

export interface ScheduleInterval {
  /** Minutes between scheduled checks; 0 when they are off for the store. */
  minutes: number;
  /** "Every 15 minutes". */
  label: string;
}

/**
 * The store page's one banner for a read-only key. `lead` says first what the owner just did (connected, signed in
 * with a new key…): that confirmation is part of the same statement, not a second banner that would promise webhooks.
 */
export function readOnlyKeyNotice(input: {
  interval: ScheduleInterval;
  lead?: string | null;
}): ReadOnlyKeyNotice {
  const checksOn = input.interval.minutes > 0;
  const state = checksOn
    ? "WooCommerce does not let a read-only key create or repair webhooks, so Commerce Sync does not rely on them: " +
      `changes made in the store arrive with the scheduled checks (${lowerFirst(input.interval.label)}), not within ` +
      "seconds."
    : "WooCommerce does not let a read-only key create or repair webhooks, and scheduled checks are off for this " +
      "store: changes made in the store arrive only when you use Sync now. Turn checks on under Automatic syncs.";
  return {
    title: checksOn
      ? "Read-only key: changes arrive with the scheduled checks"
      : "Read-only key: changes arrive only when you sync",
    paragraphs: [
      ...(input.lead ? [input.lead] : []),
      state,
      "For real-time updates, create a key with Read/Write permission in WooCommerce → Settings → Advanced → REST " +
        "API and connect it with Reconnect, or use Reconnect to approve one in your store.",
    ],
  };
}

/** The Automatic syncs card's sentences: what the scheduled checks are for, which depends on the store's key. */
export function scheduleChecksText(input: {
  interval: ScheduleInterval;
  /** "Dec 3, 2026, 10:15 AM UTC", when the next check is due. */
  nextCheck: string | null;
  readOnlyKey: boolean;
}): { checks: string; role: string } {
  const next = input.nextCheck ? `; next check due ${input.nextCheck}.` : ".";
  if (input.readOnlyKey) {
    return {
      checks:
        input.interval.minutes > 0
          ? `${input.interval.label} this store is checked for changes${next}`
          : "Scheduled checks are off: only the syncs you start bring changes in.",
      role: "With the store’s read-only key these checks are how changes arrive: Commerce Sync keeps no webhooks working for it.",
    };
  }
  return {
    checks:
      input.interval.minutes > 0
        ? `${input.interval.label} this store is checked for changes a webhook may have missed${next}`
        : "Scheduled checks are off: only webhooks and the syncs you start bring changes in.",
    role: "Webhooks bring most changes within seconds; these syncs catch what a webhook missed.",
  };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
