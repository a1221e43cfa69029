import { z } from "zod";
import { AppError } from "./lib/errors";
import { LOG_LEVELS } from "./lib/logger";
import { wholeNumber } from "./lib/whole-number";

/**
 * Every environment variable the app, the worker and the CLIs read, validated once at boot.
 * A missing or malformed variable stops the process with one line that names it (see `loadEnv`). Numbers say what
 * is accepted and what was set ("PORT must be a whole number from 1 to 65535 (got "abc")"); a blank one is unset.
 * `.env.example` documents each of them; README's configuration table mirrors this schema.
 */
const booleanFlag = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

const optionalUrl = z
  .string()
  .url()
  .optional()
  .or(z.literal("").transform(() => undefined));

/**
 * The Shopify access scopes the app asks for: the SCOPES default, what `shopify.app.toml` declares (a test checks),
 * and what the demo and e2e emulators grant. Defined here once; everything else derives from it.
 */
export const SHOPIFY_SCOPES = [
  "read_customers",
  "read_orders",
  "read_all_orders",
  "read_products",
  "read_fulfillments",
] as const;

/** The database: shared by the web app, the worker and the CLIs. */
export const databaseEnvSchema = z.object({
  /** `file:./data/dev.sqlite` (embedded default) or `postgresql://…` (scale path). */
  DATABASE_URL: z
    .string()
    .min(1)
    .default("file:./data/dev.sqlite")
    .refine((v) => /^(file:|postgres(ql)?:\/\/)/.test(v), {
      message: "must start with file: (SQLite) or postgresql:// (PostgreSQL)",
    }),
  /** PostgreSQL connections per process (ignored on SQLite). */
  DATABASE_POOL_SIZE: wholeNumber({ min: 1, max: 200, unit: "connections" }, 10),
});

/** Job running: read by the worker process and by the web app's in-process worker. */
export const jobsEnvSchema = z.object({
  /** Run queued jobs inside the web process (embedded default). Turn off when a separate worker runs. */
  RUN_JOBS_IN_PROCESS: booleanFlag.default("true"),
  /** Minutes between scheduled incremental (reconcile) syncs per integration. 0 disables. */
  RECONCILE_INTERVAL_MINUTES: wholeNumber({ min: 0, unit: "minutes" }, 60),
  /** Optional UTC window "HH:MM-HH:MM" for nightly full re-syncs, e.g. "02:00-04:00". */
  FULL_RESYNC_WINDOW_UTC: z
    .string()
    .regex(/^\d{2}:\d{2}-\d{2}:\d{2}$/, "must look like 02:00-04:00")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** Names this worker in locks and run records (default host:pid). */
  WORKER_ID: z.string().optional(),
  /** Jobs run at the same time by one worker process. */
  WORKER_CONCURRENCY: wholeNumber({ min: 1, max: 64, unit: "jobs" }, 2),
  JOB_POLL_INTERVAL_MS: wholeNumber({ min: 20, unit: "milliseconds" }, 1_000),
  SCHEDULER_TICK_MS: wholeNumber({ min: 100, unit: "milliseconds" }, 60_000),
  /** How long a stopping worker waits for running jobs to checkpoint. */
  SHUTDOWN_TIMEOUT_MS: wholeNumber({ min: 0, unit: "milliseconds" }, 30_000),
  /** Where customer data exports (compliance data requests) are written. */
  DATA_EXPORT_DIR: z.string().default("./data/exports"),
});

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    PORT: wholeNumber({ min: 1, max: 65535 }, 3000),
    /** Address the production server binds to (server.ts); unset = every interface. */
    HOST: z.string().min(1).optional(),

    SHOPIFY_API_KEY: z.string().min(1),
    SHOPIFY_API_SECRET: z.string().min(1),
    /** Public URL of this app (what Shopify frames and sends webhooks to). */
    SHOPIFY_APP_URL: z.string().url(),
    /** Comma-separated scopes; must match shopify.app.toml. */
    SCOPES: z.string().min(1).default(SHOPIFY_SCOPES.join(",")),
    SHOP_CUSTOM_DOMAIN: z.string().optional(),

    /** 32 random bytes, base64 or hex (`openssl rand -base64 32`). Credentials at rest are sealed with it. */
    ENCRYPTION_KEY: z.string().refine(isValidKeyMaterial, {
      message: "must be 32 bytes encoded as base64 (44 chars) or hex (64 chars)",
    }),
    /** Previous keys (comma-separated, same format) still accepted for decryption during a rotation. */
    ENCRYPTION_KEYS_OLD: z
      .string()
      .optional()
      .refine((v) => !v || v.split(",").every((k) => isValidKeyMaterial(k.trim())), {
        message: "every entry must be 32 bytes encoded as base64 or hex",
      }),

    /** When set, every Shopify Admin/OAuth call goes to this local Shopify emulator (dev, demo, tests only). */
    SHOPIFY_EMULATOR_URL: optionalUrl,
    /** App Bridge script URL served to the browser; set to the emulator's stand-in in demo and e2e. */
    APP_BRIDGE_URL: optionalUrl,
    /** Allow store URLs on loopback/private networks (local WooCommerce emulator). Never in production. */
    ALLOW_PRIVATE_STORE_URLS: booleanFlag.default("false"),
    /**
     * The demo's local WooCommerce store, which (unlike a real one) accepts the key approval's http callback: the
     * connect pages' https warning says so for it. Demo only.
     */
    DEMO_WOOCOMMERCE_URL: optionalUrl,
    /** WooCommerce list pages read at once per store after the first (1 = one page at a time). */
    WOOCOMMERCE_PAGE_CONCURRENCY: wholeNumber({ min: 1, max: 16, unit: "pages" }, 4),
    /** How long one store request (Shopify GraphQL, a WooCommerce page) may take before it is retried. */
    STORE_REQUEST_TIMEOUT_MS: wholeNumber({ min: 100, max: 600_000, unit: "milliseconds" }, 30_000),
    /**
     * Reverse proxies in front of the app whose X-Forwarded-For entry names the client (ADR 0057). 0: the header is
     * ignored and the client is the connection's address; 1: the last entry (the one the proxy added); n: the n-th
     * from the end. Set it only to the number of proxies that really append to the header, or clients choose their
     * own address.
     */
    TRUST_PROXY: wholeNumber({ min: 0, max: 10, unit: "proxies" }, 0),
    /** WooCommerce connect attempts (a store asked with typed keys, a key approval started) per client address. */
    CONNECT_LIMIT_PER_IP: wholeNumber({ min: 1, max: 100_000, unit: "attempts" }, 10),
    CONNECT_LIMIT_PER_IP_WINDOW_SECONDS: wholeNumber({ min: 1, max: 86_400, unit: "seconds" }, 600),
    /** The same attempts per organization (Shopify merchant, signed-in store owner, API token). */
    CONNECT_LIMIT_PER_ORGANIZATION: wholeNumber({ min: 1, max: 100_000, unit: "attempts" }, 30),
    CONNECT_LIMIT_PER_ORGANIZATION_WINDOW_SECONDS: wholeNumber(
      { min: 1, max: 86_400, unit: "seconds" },
      3_600,
    ),
    /** Lowest level the app, the job runner and the worker log (app/lib/logger.ts). */
    LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  })
  .merge(databaseEnvSchema)
  .merge(jobsEnvSchema);

export type Env = z.infer<typeof envSchema>;

function isValidKeyMaterial(value: string): boolean {
  const v = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return true;
  try {
    return Buffer.from(v, "base64").length === 32 && /^[A-Za-z0-9+/]+={0,2}$/.test(v);
  } catch {
    return false;
  }
}

/** A missing or malformed environment variable: one line per variable, naming it. */
export class EnvError extends AppError {
  constructor(public readonly issues: { variable: string; message: string }[]) {
    super(
      "invalid_environment",
      issues.map((i) => `Invalid environment: ${i.variable} ${i.message}`).join("\n"),
    );
  }
}

/** Parses an env record against `schema` (the app's by default); throws EnvError, one line per bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env;
export function parseEnv<S extends z.ZodTypeAny>(
  source: Record<string, string | undefined>,
  schema: S,
): z.infer<S>;
export function parseEnv(source: Record<string, string | undefined>, schema: z.ZodTypeAny = envSchema) {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  throw new EnvError(
    result.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? "environment");
      const missing = issue.code === "invalid_type" && issue.received === "undefined";
      return { variable, message: missing ? "is required but not set" : issue.message };
    }),
  );
}

let cached: Env | undefined;

/**
 * The validated environment. On the first call a bad environment prints one line per variable to stderr and exits
 * the process (code 1): a server must not boot half-configured.
 */
export function loadEnv(): Env {
  if (cached) return cached;
  try {
    cached = parseEnv(process.env);
    return cached;
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
