/**
 * The contract every store platform module implements (Shopify, WooCommerce). Types only, no I/O.
 *
 * A platform module is built once per process by `app/platforms/index.server.ts` (`buildPlatforms`) and handed
 * explicitly to the job handlers, the worker, `npm run sync` and the routes. Nothing registers itself on import.
 * The engine and the job handlers only see these shapes and never branch on the platform name.
 */
import type { EmailDigestKeys } from "../crypto/email-digest.server";
import type { Keyring } from "../crypto/encryption.server";
import type { AppDb } from "../db/client.server";
import type { Env } from "../env.server";
import type { Logger } from "../lib/logger";
import type { CanonicalRecordOf, Resource, SyncSource } from "./types";

export type { AppDb };

/** An integration row as platform modules receive it (credentials still sealed). */
export interface IntegrationRow {
  id: string;
  organizationId: string;
  platform: string;
  name: string;
  storeKey: string;
  status: string;
  /** Encrypted JSON (see app/crypto); decrypted into `PlatformContext.credentials`. */
  credentials: string | null;
  /** Encrypted webhook signing secret; decrypted into `PlatformContext.webhookSecret`. */
  webhookSecret: string | null;
  settings: unknown;
  /** The last webhook maintenance's report as stored (`Integration.webhookHealth`), when loaded. */
  webhookHealth?: unknown;
  /** When the row was last written, as read (the uninstall step disconnects only a row still as read). */
  updatedAt?: Date;
}

/** One HTTP call to a store, as counted in the audit trail. Never holds tokens, keys, secrets or bodies. */
export interface StoreCall {
  /** What was asked, e.g. "graphql:CustomersPage", "GET /wc/v3/orders", "bulk:download". */
  operation: string;
  outcome: "ok" | "retried" | "error";
  /** HTTP status when there was a response. */
  httpStatus?: number;
  durationMs: number;
  /** 1 for the first attempt of a request. */
  attempt?: number;
  /** A short, secret-free error description when `outcome` is not "ok". */
  error?: string;
}

/** Records a store call (buffered; never throws into the caller). */
export type StoreCallRecorder = (call: StoreCall) => void;

/** Everything a platform needs to act for one integration. */
export interface PlatformContext {
  db: AppDb;
  integration: IntegrationRow;
  /** Decrypted credentials JSON as the platform stored it (null when none). Never log it. */
  credentials: unknown;
  /** Decrypted webhook signing secret (null when none). Never log it. */
  webhookSecret: string | null;
  /** Counts every call to the store in the audit trail. */
  recordCall: StoreCallRecorder;
  /** Seals and stores new credentials for this integration (e.g. a refreshed access token). */
  saveCredentials(credentials: unknown): Promise<void>;
}

/** What a reconcile-time check of the store's webhook subscriptions found and fixed. */
export interface WebhookMaintenanceReport {
  /** Subscriptions the store had and the app expects, untouched. */
  healthy: string[];
  /** Subscriptions created, re-activated or re-created, by topic. */
  repaired: Array<{ topic: string; action: "created" | "reactivated" | "recreated"; reason: string }>;
  /** True when something may have been missed (a subscription was absent or disabled): sync the gap. */
  gapSuspected: boolean;
  /** Problems a merchant should read (e.g. read-only keys cannot create webhooks). */
  problems: string[];
  /**
   * Those of `problems` that describe a state the merchant accepted rather than something broken (a WooCommerce
   * store connected with a read-only key: it syncs, with the scheduled checks): shown on the store's page, never
   * flagged as needing attention, and audited only when new.
   */
  accepted?: string[];
  /**
   * The stable code of each of `problems`, by its text (Integration.statusCode when it is flagged, see
   * app/lib/attention-cause.ts): e.g. "webhooks_unreachable", "webhooks_unregistered". A problem without one is
   * not known (`webhook_problem`).
   */
  problemCodes?: Record<string, string>;
}

/** Adds a problem to a maintenance report with its stable code. */
export function addProblem(report: WebhookMaintenanceReport, problem: string, code: string): void {
  report.problems.push(problem);
  report.problemCodes = { ...report.problemCodes, [problem]: code };
}

/** A webhook as stored by the ingest route, before processing. */
export interface StoredWebhookEvent {
  id: string;
  integrationId: string | null;
  platform: string;
  topic: string;
  dedupeKey: string;
  storeKey: string;
  resourceId: string | null;
  payload: string;
  receivedAt: Date;
}

/** Apply remote records of one resource through the engine (same mapping, upsert and newest-wins rules as a sync). */
export interface ApplyDecisionOf<R extends Resource, Remote = unknown> {
  action: "apply";
  resource: R;
  remote: Remote[];
  /** The platform's pure mapper (method syntax: a mapper typed for the platform's record shape fits). */
  map(remote: Remote): CanonicalRecordOf[R];
}

/** An ApplyDecision for one of the resources `R` (its mapper returns that resource's canonical record). */
export type ApplyDecision<R extends Resource = Resource> = { [K in R]: ApplyDecisionOf<K> }[R];

/** The store deleted these records (orders/products soft-deleted, a customer's store link removed). */
export interface DeleteDecision {
  action: "delete";
  resource: Resource;
  externalIds: string[];
  /** When the store deleted them (defaults to now). */
  deletedAt?: Date;
  /**
   * Why, when the store did not delete them but they stopped being ours to hold (a WooCommerce customer made store
   * staff, ADR 0047): the outcome's reason; with nothing held to remove, the delivery ends `ignored` with it.
   */
  reason?: string;
}

export type WebhookDecision =
  | ApplyDecision
  | DeleteDecision
  /** Nothing to do for this topic (kept as `ignored` with the reason, visible in the UI). */
  | { action: "ignore"; reason: string }
  /**
   * The store removed the app (Shopify app/uninstalled): the job marks the integration `disconnected` with a reason
   * (schedules skip it), audits it and keeps its data until the store asks for deletion. Platform-side state (e.g.
   * Shopify sessions) is the platform's to remove before it returns this decision.
   *
   * The job disconnects only a row unchanged since it read it, and asks `reinstalled` first (again after each change
   * it finds): a reason means the store was installed again since the decision (a reinstall racing the uninstall,
   * ADR 0054 addendum), and the event ends `ignored` with it, the store connected. Only stored state, no store call.
   */
  | { action: "uninstalled"; reinstalled?: () => Promise<string | null> }
  /**
   * A data-protection request: enqueued as the matching compliance job, deduplicated on the webhook event
   * (idempotent; the operations audit what they did). Ignored when no integration matches (nothing is held).
   */
  | { action: "compliance"; request: ComplianceRequest }
  /** Something changed that the body cannot carry: enqueue a sync of these resources (deduplicated). */
  | { action: "sync"; kind: "incremental" | "full"; resources?: Resource[]; reason: string }
  /** The handler did the work itself (e.g. noted a finished bulk operation). */
  | { action: "done"; note?: string };

/** Data-protection requests a platform can forward (Shopify's mandatory compliance topics, a Woo owner's request). */
export type ComplianceRequest =
  | {
      kind: "customer_redact";
      customerExternalId: string | null;
      email: string | null;
      orderExternalIds: string[];
    }
  | { kind: "shop_redact" }
  | {
      kind: "customer_data_request";
      customerExternalId: string | null;
      email: string | null;
      orderExternalIds: string[];
      /** The platform's request id, used to name the export. */
      dataRequestId: string | null;
    };

/** A store platform: how to read it, how to understand its webhooks, how to keep its subscriptions alive. */
export interface StorePlatform {
  /** "shopify" | "woocommerce": stored as data, never branched on by the engine. */
  readonly platform: string;
  /** Builds the sync source reading this integration's store. */
  createSource(ctx: PlatformContext): SyncSource | Promise<SyncSource>;
  /**
   * Turns a stored webhook event into a decision. `ctx` is null when no integration matches the event's store
   * (e.g. a compliance webhook for a shop that was purged).
   */
  handleWebhook(
    event: StoredWebhookEvent,
    body: unknown,
    ctx: PlatformContext | null,
  ): Promise<WebhookDecision>;
  /** Before a scheduled reconcile: make the store's webhook subscriptions exist and be active. */
  maintainWebhooks?(ctx: PlatformContext, signal: AbortSignal): Promise<WebhookMaintenanceReport>;
  /**
   * On disconnect: remove what the app created on the store (webhooks). Throws when that failed (a dead store, a
   * revoked key) or `signal` aborted (the caller's deadline: a person is waiting): the caller records the failure
   * and disconnects anyway.
   */
  disconnect?(ctx: PlatformContext, signal: AbortSignal): Promise<void>;
}

/** What every platform factory receives from `buildPlatforms` (one set per process). */
export interface PlatformDeps {
  /** The validated environment (API keys, emulator URL, ALLOW_PRIVATE_STORE_URLS …). */
  env: Env;
  /** Seals and opens secrets at rest (the platforms' own, e.g. Shopify sessions; credentials go through the context). */
  keyring: Keyring;
  logger: Logger;
}

/** `createShopifyPlatform`, `createWooCommercePlatform`: build the platform module once per process. */
export type PlatformFactory = (deps: PlatformDeps) => StorePlatform;

/** A PlatformContext owned by its caller, who closes it when the work is done (flushes the buffered store calls). */
export interface OpenedPlatformContext extends PlatformContext {
  /** Writes the store calls recorded so far to the audit trail. Never throws. */
  close(): Promise<void>;
}

/** Builds the sync source of an integration (the engine asks; `Platforms` answers). */
export interface SourceProvider {
  /**
   * The source reading this integration's store. Its `close()` (when present) must be awaited when the run ends.
   * Throws an AppError when it cannot be built (unknown platform, credentials missing or unreadable).
   */
  sourceFor(db: AppDb, integration: IntegrationRow): Promise<SyncSource>;
  /** Keys of the email digests redactions leave (ADR 0048): the writer needs them for a store with redactions. */
  readonly emailDigestKeys?: EmailDigestKeys;
}

/** The platform modules of one process (built by `buildPlatforms`), passed explicitly to whoever needs them. */
export interface Platforms extends SourceProvider {
  /** Every platform module this process serves. */
  list(): readonly StorePlatform[];
  /** Derived from the process keyring (ENCRYPTION_KEY, ENCRYPTION_KEYS_OLD). */
  readonly emailDigestKeys: EmailDigestKeys;
  has(platform: string): boolean;
  /** The module for `platform`; throws UnknownPlatformError (code `unknown_platform`) when there is none. */
  get(platform: string): StorePlatform;
  /**
   * Everything a platform needs to act for one integration: credentials and webhook secret decrypted, `recordCall`
   * buffering store calls for the audit trail, `saveCredentials` sealing new ones. Close it when done.
   * Throws an AppError `credentials_unreadable` when a stored secret cannot be opened with this server's keys.
   */
  contextFor(db: AppDb, integration: IntegrationRow): Promise<OpenedPlatformContext>;
}
