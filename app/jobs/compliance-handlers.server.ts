/**
 * Data-protection jobs behind the mandatory compliance webhooks (customers/redact, shop/redact,
 * customers/data_request) and their WooCommerce/admin equivalents. The work itself is the sync engine's
 * (app/sync/compliance.server.ts); these handlers run it under the integration's sync lock, so a redaction never
 * interleaves with a sync page that could write the same rows back.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import {
  exportCustomerData,
  purgeIntegrationData,
  redactCustomer,
  type CustomerSelector,
} from "../sync/compliance.server";
import type { JobQueue, QueueDb } from "./queue.server";
import { PermanentJobError, type JobHandlers } from "./types";

export interface ComplianceOperations {
  redactCustomer: typeof redactCustomer;
  purgeIntegrationData: typeof purgeIntegrationData;
  exportCustomerData: typeof exportCustomerData;
}

const defaultOperations: ComplianceOperations = { redactCustomer, purgeIntegrationData, exportCustomerData };

export type CustomerRedactPayload = CustomerSelector;
export interface ShopRedactPayload {
  integrationId: string;
  actor?: string;
}
export type CustomerDataRequestPayload = CustomerSelector & {
  /** The platform's request id (Shopify `data_request.id`), used to name the export. */
  dataRequestId?: string | number;
};

const COMPLIANCE_RETRY = {
  maxAttempts: 8,
  backoff: { initialDelayMs: 30_000, factor: 3, maxDelayMs: 6 * 3600_000 },
};

/** Where customer data exports are written (one JSON file per request). */
export function exportDirectory(): string {
  return resolve(process.env.DATA_EXPORT_DIR || "./data/exports");
}

/** Enqueues one compliance job. The event's dedupe key makes a redelivered webhook enqueue nothing new. */
export function enqueueCompliance(
  queue: JobQueue,
  kind: "compliance.customer_redact" | "compliance.shop_redact" | "compliance.customer_data_request",
  payload: CustomerRedactPayload | ShopRedactPayload | CustomerDataRequestPayload,
  options: { dedupeKey?: string } = {},
) {
  return queue.enqueue(kind, payload, {
    // The export only reads, so it need not wait for a running sync.
    ...(kind === "compliance.customer_data_request"
      ? {}
      : { concurrencyKey: `sync:${payload.integrationId}` }),
    ...(options.dedupeKey ? { dedupeKey: options.dedupeKey } : {}),
    ...COMPLIANCE_RETRY,
  });
}

async function requireIntegration(db: QueueDb, integrationId: string | undefined) {
  if (!integrationId) throw new PermanentJobError("The job names no integration.");
  const found = await db.integration.findUnique({ where: { id: integrationId }, select: { id: true } });
  if (!found) throw new PermanentJobError(`Integration ${integrationId} no longer exists.`);
}

export function complianceHandlers(deps: {
  db: QueueDb;
  queue: JobQueue;
  compliance?: ComplianceOperations;
}): JobHandlers {
  const { db } = deps;
  const ops = deps.compliance ?? defaultOperations;
  return {
    "compliance.customer_redact": (async (payload: CustomerRedactPayload) => {
      await requireIntegration(db, payload?.integrationId);
      if (!payload.customerExternalId && !payload.email && !payload.orderExternalIds?.length) {
        throw new PermanentJobError("A customer redaction needs a customer id, an email or order ids.");
      }
      return ops.redactCustomer(db, { ...payload, actor: payload.actor ?? "job:compliance.customer_redact" });
    }) as never,

    "compliance.shop_redact": (async (payload: ShopRedactPayload) => {
      await requireIntegration(db, payload?.integrationId);
      return ops.purgeIntegrationData(db, payload.integrationId, {
        actor: payload.actor ?? "job:compliance.shop_redact",
      });
    }) as never,

    "compliance.customer_data_request": (async (payload: CustomerDataRequestPayload) => {
      await requireIntegration(db, payload?.integrationId);
      const document = await ops.exportCustomerData(db, {
        ...payload,
        actor: payload.actor ?? "job:compliance.customer_data_request",
      });
      const dir = exportDirectory();
      await mkdir(dir, { recursive: true });
      const name = `${payload.integrationId}-${String(payload.dataRequestId ?? Date.now()).replace(/[^\w-]/g, "_")}.json`;
      const file = join(dir, name);
      // Written with owner-only permissions: it holds personal data until the merchant collects it.
      await writeFile(file, JSON.stringify(document, null, 2), { mode: 0o600 });
      return { file };
    }) as never,
  };
}
