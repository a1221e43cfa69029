/**
 * Data-protection jobs behind the mandatory compliance webhooks (customers/redact, shop/redact,
 * customers/data_request) and their WooCommerce/admin equivalents. The work itself is the sync engine's
 * (app/sync/compliance.server.ts); these handlers run it under the integration's sync lock (see enqueueCompliance),
 * so a redaction never interleaves with a sync page that could write the same rows back.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { EmailDigestKeys } from "../crypto/email-digest.server";
import type { AppDb } from "../db/client.server";
import { exportCustomerData, purgeIntegrationData, redactCustomer } from "../sync/compliance.server";
import { PermanentJobError, type JobHandlers } from "./types";

export interface ComplianceOperations {
  redactCustomer: typeof redactCustomer;
  purgeIntegrationData: typeof purgeIntegrationData;
  exportCustomerData: typeof exportCustomerData;
}

const defaultOperations: ComplianceOperations = { redactCustomer, purgeIntegrationData, exportCustomerData };

export interface ComplianceDeps {
  db: AppDb;
  /** Where customer data exports are written, one JSON file per request (DATA_EXPORT_DIR). */
  exportDir: string;
  /** Keys of the email digests a redaction records (the process's `Platforms.emailDigestKeys`). */
  emailDigestKeys: EmailDigestKeys;
  /** Redaction/export operations; defaults to the sync engine's compliance module. */
  compliance?: ComplianceOperations;
}

async function requireIntegration(db: AppDb, integrationId: string | undefined) {
  if (!integrationId) throw new PermanentJobError("The job names no integration.");
  const found = await db.integration.findUnique({ where: { id: integrationId }, select: { id: true } });
  if (!found) throw new PermanentJobError(`Integration ${integrationId} no longer exists.`);
}

/** The handlers of the three compliance job kinds. */
export function complianceHandlers(deps: ComplianceDeps): JobHandlers {
  const { db } = deps;
  const ops = deps.compliance ?? defaultOperations;
  return {
    "compliance.customer_redact": async (payload) => {
      await requireIntegration(db, payload?.integrationId);
      if (!payload.customerExternalId && !payload.email && !payload.orderExternalIds?.length) {
        throw new PermanentJobError("A customer redaction needs a customer id, an email or order ids.");
      }
      return ops.redactCustomer(
        db,
        { ...payload, actor: payload.actor ?? "job:compliance.customer_redact" },
        { emailDigestKeys: deps.emailDigestKeys },
      );
    },

    "compliance.shop_redact": async (payload) => {
      await requireIntegration(db, payload?.integrationId);
      return ops.purgeIntegrationData(db, payload.integrationId, {
        actor: payload.actor ?? "job:compliance.shop_redact",
      });
    },

    "compliance.customer_data_request": async (payload) => {
      await requireIntegration(db, payload?.integrationId);
      const document = await ops.exportCustomerData(db, {
        ...payload,
        actor: payload.actor ?? "job:compliance.customer_data_request",
      });
      const dir = resolve(deps.exportDir);
      await mkdir(dir, { recursive: true });
      const name = `${payload.integrationId}-${String(payload.dataRequestId ?? Date.now()).replace(/[^\w-]/g, "_")}.json`;
      const file = join(dir, name);
      // Written with owner-only permissions: it holds personal data until the merchant collects it.
      await writeFile(file, JSON.stringify(document, null, 2), { mode: 0o600 });
      return { file };
    },
  };
}
