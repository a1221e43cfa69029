import { describe, expect, it } from "vitest";
import { webhookActivityNotes } from "./webhook-activity-text";

describe("webhookActivityNotes", () => {
  it("promises live changes and reports checks only for a store that is still connected", () => {
    expect(webhookActivityNotes({ disconnected: false }).noEvents).toMatch(/within seconds/);
    expect(webhookActivityNotes({ disconnected: false }).noRepairs).toMatch(/in place at every check/);
  });

  it("tells a disconnected store's page that no webhook arrives and nothing is checked", () => {
    const notes = webhookActivityNotes({ disconnected: true });
    expect(notes.noEvents).not.toMatch(/within seconds/);
    expect(notes.noEvents).toMatch(/disconnected/);
    expect(notes.noRepairs).not.toMatch(/every check/);
    // Not "its webhooks were removed": a disconnect whose store could not be reached leaves them there.
    expect(notes.noEvents).not.toMatch(/removed/);
  });

  it("promises nothing of webhooks for a store with a read-only key", () => {
    const notes = webhookActivityNotes({ disconnected: false, readOnlyKey: true });
    expect(notes.noEvents).not.toMatch(/within seconds/);
    expect(notes.noEvents).toMatch(/scheduled checks/);
    expect(notes.noRepairs).not.toMatch(/in place at every check/);
    // Disconnected comes first.
    expect(webhookActivityNotes({ disconnected: true, readOnlyKey: true })).toEqual(
      webhookActivityNotes({ disconnected: true }),
    );
  });
});
