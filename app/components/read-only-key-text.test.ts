import { describe, expect, it } from "vitest";
import { readOnlyKeyNotice, scheduleChecksText } from "./read-only-key-text";

const every15 = { minutes: 15, label: "Every 15 minutes" };
const off = { minutes: 0, label: "Off" };

describe("readOnlyKeyNotice", () => {
  it("says in one statement what a read-only key means and how to get real-time updates", () => {
    expect(readOnlyKeyNotice({ interval: every15 })).toEqual({
      title: "Read-only key: changes arrive with the scheduled checks",
      paragraphs: [
        "WooCommerce does not let a read-only key create or repair webhooks, so Commerce Sync does not rely on them: " +
          "changes made in the store arrive with the scheduled checks (every 15 minutes), not within seconds.",
        "For real-time updates, create a key with Read/Write permission in WooCommerce → Settings → Advanced → REST " +
          "API and connect it with Reconnect, or use Reconnect to approve one in your store.",
      ],
    });
  });

  it("opens with what the owner just did, so no second banner is needed", () => {
    const notice = readOnlyKeyNotice({
      interval: every15,
      lead: "You are signed in, and the store’s new key is saved.",
    });
    expect(notice.paragraphs[0]).toBe("You are signed in, and the store’s new key is saved.");
    expect(notice.paragraphs.join(" ")).not.toMatch(/webhooks carry on/);
  });

  it("says that nothing arrives on its own when scheduled checks are off", () => {
    const notice = readOnlyKeyNotice({ interval: off });
    expect(notice.title).toBe("Read-only key: changes arrive only when you sync");
    expect(notice.paragraphs[0]).toMatch(/scheduled checks are off for this store/);
    expect(notice.paragraphs[0]).toMatch(/Turn checks on under Automatic syncs/);
  });
});

describe("scheduleChecksText", () => {
  it("with a read-only key, names the checks as the way changes arrive, not a webhook's safety net", () => {
    const text = scheduleChecksText({
      interval: every15,
      nextCheck: "Dec 3, 2026, 10:15 AM UTC",
      readOnlyKey: true,
    });
    expect(text).toEqual({
      checks: "Every 15 minutes this store is checked for changes; next check due Dec 3, 2026, 10:15 AM UTC.",
      role: "With the store’s read-only key these checks are how changes arrive: Commerce Sync keeps no webhooks working for it.",
    });
    expect(scheduleChecksText({ interval: off, nextCheck: null, readOnlyKey: true }).checks).toBe(
      "Scheduled checks are off: only the syncs you start bring changes in.",
    );
  });

  it("with a Read/Write key, says what it said before", () => {
    expect(scheduleChecksText({ interval: every15, nextCheck: null, readOnlyKey: false })).toEqual({
      checks: "Every 15 minutes this store is checked for changes a webhook may have missed.",
      role: "Webhooks bring most changes within seconds; these syncs catch what a webhook missed.",
    });
    expect(scheduleChecksText({ interval: off, nextCheck: null, readOnlyKey: false }).checks).toBe(
      "Scheduled checks are off: only webhooks and the syncs you start bring changes in.",
    );
  });
});
