/**
 * The contract every store platform module implements (Shopify, WooCommerce). Types only, no I/O.
 *
 * A platform module is built once per process by `app/platforms/index.server.ts` (`buildPlatforms`) and handed
 * explicitly to the job handlers, the worker, `npm run sync` and the routes. Nothing registers itself on import.
 * The engine and the job handlers only see these shapes and never branch on the platform name.
 */
import type { Db } from "../db/client.server";
import type { CanonicalRecordOf, Resource, SyncSource } from "./types";

/** The app's database handle: a Prisma client that knows which SQL dialect it speaks. */
export type AppDb = Db & { $kind: "sqlite" | "postgres" };

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

/** Apply remote records through the engine (same mapping, upsert and newest-wins rules as a sync). */
export interface ApplyDecision<R extends Resource = Resource> {
  action: "apply";
  resource: R;
  remote: unknown[];
  map: (remote: never) => CanonicalRecordOf[R];
}

/** The store deleted these records (orders/products soft-deleted, a customer's store link removed). */
export interface DeleteDecision {
  action: "delete";
  resource: Resource;
  externalIds: string[];
  /** When the store deleted them (defaults to now). */
  deletedAt?: Date;
}

export type WebhookDecision =
  | ApplyDecision
  | DeleteDecision
  /** Nothing to do for this topic (kept as `ignored` with the reason, visible in the UI). */
  | { action: "ignore"; reason: string }
  /** The store removed the app (Shopify app/uninstalled): disconnect the integration, keep its data. */
  | { action: "uninstalled" }
  /** A data-protection request: run through the compliance operations as a job (idempotent, audited). */
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
  /** On disconnect: remove what the app created on the store (webhooks). Best effort, never throws for a dead store. */
  disconnect?(ctx: PlatformContext): Promise<void>;
}
