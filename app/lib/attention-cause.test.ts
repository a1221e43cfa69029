/**
 * Which cause a stored or queued failure code has, and so whether the store page offers Reconnect: a worker that
 * stopped while running a job is the deployment's, never the store's.
 */
import { describe, expect, it } from "vitest";
import { JOB_WORKER_LOST } from "../jobs/types";
import {
  leadingStatusCode,
  reconnectMayHelp,
  STATUS_CODE_CAUSES,
  statusCodeCause,
  storeFailureCause,
} from "./attention-cause";

describe("attention causes of failure codes", () => {
  it("reads the queue's code of a job whose worker stopped as worker_stopped, where Reconnect is not offered", () => {
    expect(JOB_WORKER_LOST).toBe("job_worker_lost");
    expect(statusCodeCause(JOB_WORKER_LOST)).toBe("worker_stopped");
    expect(reconnectMayHelp(statusCodeCause(JOB_WORKER_LOST))).toBe(false);
    // Not a store failure's code: as one it would be the store's, with Reconnect.
    expect(storeFailureCause(JOB_WORKER_LOST)).toBe("store");
  });

  it("keeps Reconnect for a code it does not know and for none, and leads with a code Reconnect may mend", () => {
    expect(statusCodeCause("a_code_nobody_wrote")).toBe("store");
    expect(statusCodeCause(null)).toBe("store");
    expect(statusCodeCause("woocommerce_timeout")).toBe("store_unavailable");
    expect(leadingStatusCode([JOB_WORKER_LOST, "woocommerce_auth"])).toBe("woocommerce_auth");
    expect(leadingStatusCode([JOB_WORKER_LOST, "woocommerce_timeout"])).toBe(JOB_WORKER_LOST);
  });

  it("offers Reconnect only for the store's own cause, whatever code gives it", () => {
    const offered = Object.entries(STATUS_CODE_CAUSES)
      .filter(([, cause]) => reconnectMayHelp(cause))
      .map(([code]) => code)
      .sort();
    expect(offered).toEqual([
      "install_incomplete",
      "shopify_scopes_missing",
      "sync_failed",
      "sync_start_failed",
      "webhook_problem",
      "webhook_secret_missing",
      "webhooks_check_failed",
      "webhooks_unregistered",
    ]);
  });
});
