/**
 * The core's mutable settings behind the control API: strict mode, the throttle buckets (per shop + app), injected
 * 429s, shop creation, the bulk operations, the clock and the GraphQL request log.
 */
import type { BulkOperations } from "../bulk/bulk-operations";
import { GraphqlRequestLog } from "../graphql/request-log";
import type { ActualCostModel } from "../graphql/cost";
import { DEFAULT_BUCKET_SIZE, LeakyBucket, RESTORE_RATE_BY_PLAN } from "../graphql/throttle";
import type { EmuShop, EmulatorContext } from "../model";
import { createEmptyShop, seedShop } from "../seed/seed";

export interface ControlState {
  strict: boolean;
  throttle: { maximumAvailable: number; restoreRate?: number };
  /** How `actualQueryCost` is computed: "observed" (fitted to real Shopify, default) or "documented". */
  cost: { actual: ActualCostModel };
  /** Injected REST-style 429s per shop. */
  http429: Map<string, { remaining: number; retryAfterS: number }>;
  /**
   * Injected server errors (5xx) per shop: the next `remaining` GraphQL calls get `status` (with `operations`, only
   * calls naming one of those operations count).
   */
  http5xx: Map<string, { remaining: number; status: number; operations?: string[] }>;
  /** Injected hangs per shop: the next `remaining` GraphQL calls never get an answer. */
  hang: Map<string, { remaining: number }>;
  /** The next `remaining` bulk result downloads stop after `afterBytes` (cut connection, or a clean short file). */
  bulkDownload: { remaining: number; afterBytes: number; mode: "drop" | "end" } | null;
  seed: number;
  counts: { customers: number; orders: number; products: number };
  bucketFor(shop: EmuShop): LeakyBucket;
  resetBuckets(): void;
  createShop(domain: string, seeded: boolean): EmuShop;
  bulk: BulkOperations;
  /** Emulated time runs this many times faster than real time (1 = real time). */
  timeScale: number;
  /** Every Admin GraphQL request past the token check (GET /_emulator/requests). */
  graphqlLog: GraphqlRequestLog;
}

export interface ControlStateOptions {
  context: EmulatorContext;
  bulk: BulkOperations;
  seed: number;
  counts: ControlState["counts"];
  strict: boolean;
  throttle?: { maximumAvailable?: number; restoreRate?: number };
  cost?: { actual?: ActualCostModel };
  timeScale: number;
}

/**
 * Seeds a shop: the first shop starts the shared person pool, later ones reuse about a fifth of its people.
 * `index` is the shop's position among the emulator's shops.
 */
export function seedNthShop(
  domain: string,
  index: number,
  options: Pick<ControlStateOptions, "seed" | "counts">,
  now: Date,
): EmuShop {
  return seedShop(
    { domain, seed: options.seed, ...options.counts, now },
    index === 0 ? 0 : index * Math.max(1, options.counts.customers),
  );
}

export function createControlState(options: ControlStateOptions): ControlState {
  const { context } = options;
  const buckets = new Map<string, LeakyBucket>();
  const state: ControlState = {
    strict: options.strict,
    throttle: {
      maximumAvailable: options.throttle?.maximumAvailable ?? DEFAULT_BUCKET_SIZE,
      restoreRate: options.throttle?.restoreRate,
    },
    cost: { actual: options.cost?.actual ?? "observed" },
    http429: new Map(),
    http5xx: new Map(),
    hang: new Map(),
    bulkDownload: null,
    seed: options.seed,
    counts: options.counts,
    timeScale: options.timeScale,
    graphqlLog: new GraphqlRequestLog(),
    bucketFor(shop: EmuShop) {
      const key = `${shop.domain} ${context.app.apiKey}`;
      let bucket = buckets.get(key);
      if (!bucket) {
        bucket = new LeakyBucket(
          state.throttle.maximumAvailable,
          state.throttle.restoreRate ?? RESTORE_RATE_BY_PLAN[shop.plan],
          () => context.now().getTime(),
        );
        buckets.set(key, bucket);
      }
      return bucket;
    },
    resetBuckets() {
      buckets.clear();
    },
    createShop(domain: string, seeded: boolean) {
      const shop = seeded
        ? seedNthShop(domain, context.shops.size, options, context.now())
        : createEmptyShop(domain, options.seed);
      context.shops.set(domain, shop);
      return shop;
    },
    bulk: options.bulk,
  };
  return state;
}
