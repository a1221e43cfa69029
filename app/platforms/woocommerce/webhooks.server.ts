/**
 * The app's webhooks on a WooCommerce store: eleven topics (customer / order / product × created / updated /
 * deleted, and order / product restored: an untrashed product sends only `product.restored`, so without it a
 * product restored from the trash stayed deleted here until a sync; customers cannot be trashed), each delivering to `POST /api/webhooks/woocommerce?integration=<id>` and signed with the integration's
 * own secret (the store never returns a secret, so the app keeps it).
 *
 * `ensureWebhooks` is both registration (on connect) and repair (before each reconcile): it lists the store's
 * webhooks, keeps one per topic, re-activates disabled or paused ones (WooCommerce disables a webhook silently after
 * repeated failed deliveries and never retries them), re-creates missing ones, points stray ones back at the current
 * address, and removes duplicates. Anything absent or inactive means deliveries were lost: `gapSuspected`.
 */
import { addProblem, type WebhookMaintenanceReport } from "../../sync/platform";
import type { WooClient } from "./client.server";
import { WooRequestError } from "./errors";
import type { WooId, WooWebhook } from "./types";
import { unreachableProblem } from "./webhook-pings.server";

export const WEBHOOK_TOPICS = [
  "customer.created",
  "customer.updated",
  "customer.deleted",
  "order.created",
  "order.updated",
  "order.deleted",
  "order.restored",
  "product.created",
  "product.updated",
  "product.deleted",
  "product.restored",
] as const;
export type WooWebhookTopic = (typeof WEBHOOK_TOPICS)[number];

export const WEBHOOK_PATH = "/api/webhooks/woocommerce";

/** The delivery URL of an integration's webhooks. */
export function deliveryUrlFor(appUrl: string, integrationId: string): string {
  return `${appUrl.replace(/\/+$/, "")}${WEBHOOK_PATH}?integration=${encodeURIComponent(integrationId)}`;
}

/** True when a store webhook delivers to this app for this integration (at any app address). */
export function isAppWebhookFor(webhook: WooWebhook, integrationId: string): boolean {
  try {
    const url = new URL(webhook.delivery_url);
    return (
      url.pathname.replace(/\/+$/, "") === WEBHOOK_PATH &&
      url.searchParams.get("integration") === integrationId
    );
  } catch {
    return false;
  }
}

export const READ_ONLY_PROBLEM =
  "The store's API key is read-only, so webhooks cannot be created: changes arrive only with the scheduled syncs. " +
  "Reconnect with a Read/Write key to get them in real time.";

/** Every webhook on the store (all pages). */
export async function listStoreWebhooks(client: WooClient, signal?: AbortSignal): Promise<WooWebhook[]> {
  const all: WooWebhook[] = [];
  for (let page = 1; ; page++) {
    const response = await client.list<WooWebhook>(
      "webhooks",
      { per_page: 100, page, orderby: "id", order: "asc" },
      { signal },
    );
    all.push(...response.data);
    if (response.data.length < 100) return all;
  }
}

export interface EnsureWebhooksOptions {
  integrationId: string;
  deliveryUrl: string;
  secret: string;
  /** Re-send the secret to every kept webhook (the app's secret changed). */
  resendSecret?: boolean;
  /** Store name shown in the webhook list of the WP admin. */
  appName?: string;
  /**
   * Whether the store's creation ping reached the app since a time (webhook-pings.server.ts). Given, a maintenance
   * that created a webhook reports a store that cannot reach the app as a problem.
   */
  pingSince?: (since: Date) => Promise<boolean>;
  /** Re-create one webhook even when it is fine, to learn again whether the store reaches the app (its ping). */
  recheckReachability?: boolean;
  signal?: AbortSignal;
}

/** The repair reason of the webhook re-created by `recheckReachability`. */
export const RECHECK_REASON = "re-created to test that the store reaches the app";

/** Makes the eleven webhooks exist, be active and deliver here. Never throws for a read-only key (reports it). */
export async function ensureWebhooks(
  client: WooClient,
  options: EnsureWebhooksOptions,
): Promise<WebhookMaintenanceReport> {
  const report: WebhookMaintenanceReport = { healthy: [], repaired: [], gapSuspected: false, problems: [] };
  const started = new Date();
  let created = false;
  const existing = (await listStoreWebhooks(client, options.signal)).filter((w) =>
    isAppWebhookFor(w, options.integrationId),
  );
  const name = (topic: string) => `${options.appName ?? "Commerce Sync"} — ${topic}`;
  let readOnly = false;
  const write = async (what: () => Promise<unknown>): Promise<boolean> => {
    if (readOnly) return false;
    try {
      await what();
      return true;
    } catch (error) {
      if (error instanceof WooRequestError && error.kind === "read_only") {
        // A read-only key answers 401 "does not have write permissions" to any write.
        readOnly = true;
        addProblem(report, READ_ONLY_PROBLEM, "woocommerce_read_only");
        return false;
      }
      throw error;
    }
  };

  const remove = (id: WooId) =>
    write(() => client.delete(`webhooks/${id}`, { force: "true" }, { signal: options.signal }));
  const create = (topic: string) =>
    write(() =>
      client.post(
        "webhooks",
        {
          name: name(topic),
          topic,
          delivery_url: options.deliveryUrl,
          secret: options.secret,
          status: "active",
        },
        { signal: options.signal },
      ),
    );

  for (const topic of WEBHOOK_TOPICS) {
    const matches = existing.filter((w) => w.topic === topic);
    let keeper: WooWebhook | undefined =
      matches.find((w) => w.status === "active" && w.delivery_url === options.deliveryUrl) ?? matches[0];
    for (const duplicate of matches.filter((w) => w !== keeper)) await remove(duplicate.id);
    if (keeper && options.recheckReachability && topic === WEBHOOK_TOPICS[0] && (await remove(keeper.id))) {
      if (await create(topic)) {
        created = true;
        report.repaired.push({ topic, action: "recreated", reason: RECHECK_REASON });
        continue;
      }
      keeper = undefined;
    }
    if (!keeper) {
      if (await create(topic)) {
        created = true;
        report.repaired.push({ topic, action: "created", reason: "missing" });
      }
      report.gapSuspected = true;
      continue;
    }
    const inactive = keeper.status !== "active";
    const moved = keeper.delivery_url !== options.deliveryUrl;
    if (!inactive && !moved && !options.resendSecret) {
      report.healthy.push(topic);
      continue;
    }
    const updated = await write(() =>
      client.put(
        `webhooks/${keeper.id}`,
        { status: "active", delivery_url: options.deliveryUrl, secret: options.secret },
        { signal: options.signal },
      ),
    );
    if (inactive) report.gapSuspected = true;
    if (!updated) continue;
    if (inactive) report.repaired.push({ topic, action: "reactivated", reason: `was ${keeper.status}` });
    else if (moved)
      report.repaired.push({ topic, action: "recreated", reason: "delivered to an old address" });
    else report.healthy.push(topic);
  }
  // The store pings a webhook's address before it answers the creation: a creation without any ping means the store
  // cannot reach the app, and no delivery will either.
  if (created && options.pingSince && !(await options.pingSince(started))) {
    addProblem(report, unreachableProblem(options.deliveryUrl), "webhooks_unreachable");
  }
  return report;
}

/** Removes the app's webhooks for this integration from the store (disconnect). Returns how many were removed. */
export async function deleteAppWebhooks(
  client: WooClient,
  integrationId: string,
  signal?: AbortSignal,
): Promise<number> {
  const ours = (await listStoreWebhooks(client, signal)).filter((w) => isAppWebhookFor(w, integrationId));
  for (const webhook of ours) {
    await client.delete(`webhooks/${webhook.id}`, { force: "true" }, { signal, accept: [404] });
  }
  return ours.length;
}
