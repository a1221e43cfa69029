import { describe, expect, it } from "vitest";
import type { SyncRunView } from "../integrations/sync-runs.server";
import { runErrorLines } from "./run-errors";

const resource = (name: string, error: string | null = null) =>
  ({
    resource: name,
    phase: error ? "failed" : "done",
    synced: 0,
    failed: 0,
    deleted: 0,
    total: null,
    error,
  }) as SyncRunView["resources"][number];
const at = "2026-12-02T11:33:00.000Z";

describe("runErrorLines", () => {
  it("says once that a store could not be read, per resource, without the engine's repeats", () => {
    const refused = (path: string) =>
      `Commerce Sync could not reach the store while reading ${path} (connection refused). Check that the store's ` +
      "site is up and that the address is right. Commerce Sync will try again later.";
    const lines = runErrorLines({
      errorMessage: `A store read failed: ${refused("customers")}`,
      resources: [resource("customers", refused("customers")), resource("orders", refused("orders"))],
      errors: [
        {
          resource: "customers",
          externalId: null,
          message: `Reading customers stopped: ${refused("customers")}`,
          at,
        },
        { resource: "orders", externalId: null, message: `Reading orders stopped: ${refused("orders")}`, at },
      ],
    });
    // A past run's errors promise nothing: the store's status says what comes next (the queue's retry or the
    // next scheduled check), so the failure's "Commerce Sync will try again later." is left out.
    const said = (path: string) => refused(path).replace(" Commerce Sync will try again later.", "");
    expect(lines).toEqual({
      summary: null,
      readFailures: [
        `Customers could not be read: ${said("customers")}`,
        `Orders could not be read: ${said("orders")}`,
      ],
      records: [],
    });
  });

  it("keeps a failure that is not a read failure, and names records without a stray space", () => {
    const lines = runErrorLines({
      errorMessage: "The shop's access token was revoked: reinstall the app.",
      resources: [resource("customers"), resource("orders")],
      errors: [
        { resource: "orders", externalId: "1042", message: "Total is not a number", at },
        { resource: "customers", externalId: null, message: "Page 3 was cut short", at },
      ],
    });
    expect(lines).toEqual({
      summary: "The shop's access token was revoked: reinstall the app.",
      readFailures: [],
      records: ["Orders #1042: Total is not a number", "Customers: Page 3 was cut short"],
    });
  });
});
