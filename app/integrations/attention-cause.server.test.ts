/**
 * A store's "needs attention" says why, by the failure's stable code (not its words): the store page offers Reconnect
 * for a refused key, not for a site that is down or prints a PHP fatal error, nor for a worker that stopped.
 */
import { describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../tests/setup/db";
import { reconnectMayHelp } from "../lib/attention-cause";
import { WooRequestError } from "../platforms/woocommerce/errors";
import { runSync } from "../sync/engine.server";
import { seedOrganization } from "../sync/testing/fixtures";
import { useEngineDatabase } from "../sync/testing/engine";
import {
  createMemorySource,
  generated,
  syntheticCustomer,
  syntheticOrder,
  syntheticProduct,
} from "../sync/testing/memory-source";
import { flagWebhookProblems } from "../jobs/reconcile.server";
import { getIntegration, listIntegrations } from "./integrations-view.server";

describe.each(DATABASE_KINDS)("why a store needs attention, on %s", (kind) => {
  const { t, freshDb } = useEngineDatabase(kind);

  const failingWith = (error: () => Error) =>
    createMemorySource({
      pageSize: 5,
      customers: generated(5, (i) => syntheticCustomer(i)),
      orders: generated(10, (i) => syntheticOrder(i, { customerCount: 5, productCount: 3 })),
      products: generated(3, (i) => syntheticProduct(i)),
      failAfter: { resource: "orders", afterPages: 1, error },
    });

  it.each([
    [
      "a PHP fatal error",
      () => new WooRequestError("php_error", "The store's PHP stopped with a fatal error."),
      "store_unavailable",
      false,
      "woocommerce_php_error",
    ],
    [
      "a site that timed out",
      () => new WooRequestError("timeout", "The store did not answer in time.", { retryable: true }),
      "store_unavailable",
      false,
      "woocommerce_timeout",
    ],
    [
      "a refused key",
      () => new WooRequestError("auth", "The store refused the API key (401)."),
      "store",
      true,
      "woocommerce_auth",
    ],
    ["a failure without a code", () => new Error("Something else"), "store", true, "sync_failed"],
  ] as const)(
    "GIVEN a sync stopped by %s THEN the status says so by its code, and Reconnect is offered only where it helps",
    async (_what, error, cause, reconnect, code) => {
      await freshDb();
      const {
        organizationId,
        integrationIds: [integrationId],
      } = await seedOrganization(t.db);
      const summary = await runSync(t.db, { integrationId, kind: "full", source: failingWith(error) });
      expect(summary.status).toBe("partial");
      // The run's end keeps the failure's code with the reason.
      expect(await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } })).toMatchObject({
        status: "needs_attention",
        statusCode: code,
      });
      const [listed] = await listIntegrations(t.db, organizationId);
      const page = await getIntegration(t.db, organizationId, integrationId);
      for (const shown of [listed, page]) {
        expect(shown.status).toBe("needs_attention");
        expect(shown.attentionCause).toBe(cause);
        expect(reconnectMayHelp(shown.attentionCause)).toBe(reconnect);
      }
    },
  );

  it.each([
    ["the store cannot reach the webhook address", "webhooks_unreachable", "webhooks_unreachable", false],
    ["Shopify refused a webhook subscription", "webhooks_unregistered", "store", true],
  ] as const)(
    "GIVEN a status written outside a run, for %s, THEN the store's page says why by its code, and Reconnect follows it",
    async (_what, code, cause, reconnect) => {
      await freshDb();
      const {
        organizationId,
        integrationIds: [integrationId],
      } = await seedOrganization(t.db);
      const problem = "A webhook problem in words.";
      await flagWebhookProblems(t.db, integrationId, [problem], { [problem]: code });
      const page = await getIntegration(t.db, organizationId, integrationId);
      expect(page).toMatchObject({ status: "needs_attention", statusReason: problem, attentionCause: cause });
      // What the store's page (IntegrationDetailView) offers Reconnect by.
      expect(reconnectMayHelp(page.attentionCause)).toBe(reconnect);
    },
  );
});
