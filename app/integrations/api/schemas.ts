/**
 * The integrations API's inputs and outputs as zod schemas: the routes validate with them and the OpenAPI document
 * (openapi.ts) is generated from the same objects, so the two cannot drift apart.
 */
import { z } from "zod";
import { shownValue, wholeNumber } from "../../lib/whole-number";
import { RESOURCES } from "../../sync/types";
import { INTERVAL_CHOICES_MINUTES, WINDOW_CHOICES } from "../sync-schedule.server";

export const integrationIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, "must be an integration id"),
});

/** A true/false field's message: zod's own is "Expected boolean, received string" (e.g. for "true" in quotes). */
const booleanField = () =>
  z.boolean({
    errorMap: (_issue, ctx) => ({
      message: `must be true or false, without quotes (got ${shownValue(ctx.data)})`,
    }),
  });

/** A list's one accepted value each, in the message (zod's: "Invalid enum value. Expected 'a' | 'b', received 'c'"). */
function oneOf<T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values as unknown as [T[number], ...T[number][]], {
    errorMap: (_issue, ctx) => ({
      message: `must be ${values
        .slice(0, -1)
        .map((v) => `"${v}"`)
        .join(", ")} or "${values[values.length - 1]}" (got ${shownValue(ctx.data)})`,
    }),
  });
}

export const syncBody = z
  .object({
    /** "incremental" (default) reads what changed since the last sync; "full" re-reads everything. */
    kind: oneOf(["full", "incremental"] as const).default("incremental"),
    resources: z
      .array(oneOf(RESOURCES))
      .min(1)
      .max(RESOURCES.length)
      .refine((list) => new Set(list).size === list.length, { message: "lists a resource more than once" })
      .optional(),
  })
  .strict();

export const disconnectBody = z
  .object({
    /** Keep synced contacts, orders and products (default) or delete what only this store fed. */
    keepData: booleanField().default(true),
  })
  .strict();

/** What reconcileIntervalMinutes accepts, and what was sent. */
function intervalRule(sent: unknown): string {
  const minutes = INTERVAL_CHOICES_MINUTES.filter((m) => m > 0);
  const accepted = `${minutes.slice(0, -1).join(", ")} or ${minutes[minutes.length - 1]} (minutes), 0 (off) or "default"`;
  // "60" in quotes is text: JSON wants the number.
  const text =
    typeof sent === "string" && /^\s*\d+\s*$/.test(sent) ? ", text: send the number without quotes" : "";
  return `must be ${accepted} (got ${shownValue(sent)}${text})`;
}

export const scheduleBody = z
  .object({
    /** Minutes between checks for changes a webhook missed (0 = off), or "default" (the deployment's). */
    reconcileIntervalMinutes: z
      .union(
        [
          z.literal("default"),
          z
            .number({ errorMap: (_issue, ctx) => ({ message: intervalRule(ctx.data) }) })
            .int()
            // A fraction is refused once, by .int() above.
            .refine(
              (m) => !Number.isInteger(m) || (INTERVAL_CHOICES_MINUTES as readonly number[]).includes(m),
              (m) => ({ message: intervalRule(m) }),
            ),
        ],
        // The union's own message is "Invalid input" (a string "60", null, true): say what is accepted.
        { errorMap: (_issue, ctx) => ({ message: intervalRule(ctx.data) }) },
      )
      .optional(),
    /** The nightly full re-sync's two-hour UTC window, "off", or "default". */
    fullResyncWindowUtc: z
      .union([z.literal("default"), z.literal("off"), z.enum(WINDOW_CHOICES as [string, ...string[]])], {
        // The union's own message is "Invalid input": say what is accepted.
        errorMap: () => ({
          message:
            `must be a two-hour UTC window starting at an even hour ("${WINDOW_CHOICES[0]}", "${WINDOW_CHOICES[1]}" … ` +
            `"${WINDOW_CHOICES[WINDOW_CHOICES.length - 1]}"), "off" or "default"`,
        }),
      })
      .optional(),
  })
  .strict()
  .refine((b) => b.reconcileIntervalMinutes !== undefined || b.fullResyncWindowUtc !== undefined, {
    message: "send reconcileIntervalMinutes, fullResyncWindowUtc or both",
  });

export const syncHistoryQuery = z.object({
  limit: wholeNumber({ min: 1, max: 100 }, 20),
  before: z
    .string()
    .datetime({
      offset: true,
      message: "must be a date and time with its time zone, like 2026-12-03T10:00:00Z",
    })
    .optional(),
});

export const shopifyConnectBody = z
  .object({
    shop: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "must be a shop domain like mystore.myshopify.com"),
  })
  .strict();

export const shopifyCallbackQuery = z.object({
  shop: z.string().min(1),
  code: z.string().min(1),
  state: z.string().min(1),
  hmac: z.string().min(1),
  timestamp: z.string().min(1),
  host: z.string().optional(),
});

export const woocommerceConnectBody = z
  .object({
    storeUrl: z.string().trim().min(1).max(2048),
    consumerKey: z
      .string()
      .trim()
      .regex(/^ck_[A-Za-z0-9]+$/, "must start with ck_"),
    consumerSecret: z
      .string()
      .trim()
      .regex(/^cs_[A-Za-z0-9]+$/, "must start with cs_"),
    /** Connect with a read-only key anyway (no webhooks: changes arrive with the scheduled syncs). */
    allowReadOnly: booleanField().default(false),
  })
  .strict();

const isoDate = z.string().datetime({ offset: true });

export const resourceProgress = z.object({
  resource: z.enum(RESOURCES),
  phase: z.enum(["pending", "running", "done", "failed"]).or(z.string()),
  synced: z.number().int(),
  failed: z.number().int(),
  /** Records removed because the store deleted them (its trash, or confirmed gone without a webhook). */
  deleted: z.number().int(),
  total: z.number().int().nullable(),
  error: z.string().nullable(),
});

export const syncRun = z.object({
  id: z.string(),
  kind: z.enum(["full", "incremental", "reconcile"]).or(z.string()),
  status: z.enum(["queued", "running", "succeeded", "partial", "failed", "cancelled"]).or(z.string()),
  triggeredBy: z.string(),
  startedAt: isoDate,
  finishedAt: isoDate.nullable(),
  durationMs: z.number().int().nullable(),
  active: z.boolean(),
  currentResource: z.string().nullable(),
  progress: z.object({ done: z.number().int(), total: z.number().int().nullable() }),
  resources: z.array(resourceProgress),
  synced: z.number().int(),
  failed: z.number().int(),
  errorCount: z.number().int(),
  errorMessage: z.string().nullable(),
  errors: z.array(
    z.object({
      resource: z.string(),
      externalId: z.string().nullable(),
      message: z.string(),
      at: z.string(),
    }),
  ),
});

export const integrationItem = z.object({
  id: z.string(),
  platform: z.enum(["shopify", "woocommerce"]).or(z.string()),
  name: z.string(),
  storeKey: z.string(),
  status: z.enum(["connected", "syncing", "needs_attention", "disconnected"]),
  statusReason: z.string().nullable(),
  lastSyncAt: isoDate.nullable(),
  syncedContacts: z.number().int(),
  syncedOrders: z.number().int(),
  syncedProducts: z.number().int(),
  createdAt: isoDate,
  disconnectedAt: isoDate.nullable(),
  activeRun: syncRun.nullable(),
  lastRun: z
    .object({
      id: z.string(),
      status: z.string(),
      finishedAt: isoDate.nullable(),
      errorMessage: z.string().nullable(),
    })
    .nullable(),
});

export const integrationList = z.array(integrationItem);

export const syncHistoryPage = z.object({ runs: z.array(syncRun), nextBefore: isoDate.nullable() });

export const syncSchedule = z.object({
  integrationId: z.string(),
  /** False for a disconnected store: nothing runs. */
  active: z.boolean(),
  /** 0 = no scheduled checks. */
  reconcileIntervalMinutes: z.number().int(),
  /** "store": this store's own choice; "default": the deployment's (RECONCILE_INTERVAL_MINUTES). */
  reconcileIntervalSource: z.enum(["store", "default"]),
  /** null = no nightly full re-sync. */
  fullResyncWindowUtc: z.string().nullable(),
  fullResyncWindowSource: z.enum(["store", "default"]),
  /** When the next scheduled check is due; null when checks are off or the store is disconnected. */
  nextCheckAt: isoDate.nullable(),
});

export const syncAccepted = z.object({
  integrationId: z.string(),
  kind: z.enum(["full", "incremental"]),
  jobId: z.string(),
  queued: z.boolean(),
  /** True when this request made a sync start now: a new one, or one waiting to retry after a failure. */
  startsNow: z.boolean(),
});

export const disconnectResult = z.object({
  integrationId: z.string(),
  status: z.literal("disconnected"),
  data: z.enum(["kept", "deleted", "deletion_queued"]),
  storeCleanup: z.object({ outcome: z.enum(["done", "skipped", "failed"]), message: z.string().optional() }),
  alreadyDisconnected: z.boolean(),
});

export const shopifyConnectResult = z.object({ authUrl: z.string().url() });

export const woocommerceConnectResult = z.object({
  success: z.literal(true),
  integrationId: z.string(),
  /** False when the store was connected already (key replaced, webhooks checked). */
  created: z.boolean(),
  storeName: z.string(),
  storeUrl: z.string(),
  readOnly: z.boolean(),
  /**
   * The first PHP message the store printed into its API answers (WP_DEBUG_DISPLAY on; ADR 0058), or null. Syncing
   * reads past it; the store's owner should turn the display off.
   */
  phpNotice: z.string().nullable(),
  webhooks: z.object({ active: z.number().int(), problems: z.array(z.string()) }),
  initialSync: z.enum(["full", "incremental"]),
});

export const apiError = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** For invalid input: the field that is wrong ("body.kind", "query.limit"). */
    field: z.string().optional(),
    issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    /** WooCommerce connect: the key is read-only; send `allowReadOnly: true` to connect without webhooks. */
    needsReadOnlyConfirmation: z.boolean().optional(),
  }),
});
