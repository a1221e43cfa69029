/**
 * The one object every part of the WooCommerce emulator receives: the store, the delivery queue, the clock, the
 * site URL, faults, load settings and the key approval mode. `createWooContext` wires them from the options.
 */
import { randomBytes } from "node:crypto";
import type { LogLine } from "../shared/http";
import { LoadMeter } from "./control/load";
import { FaultInjector, type Fault } from "./control/faults";
import type { RenderContext } from "./render/common";
import { ListCache } from "./rest/list";
import { SEED_END_MS } from "./seed/seed";
import type { Clock, KeyPermissions } from "./store/records";
import { WooStore, type SeedCounts } from "./store/store";
import { DeliveryQueue } from "./webhooks/delivery-queue";
import { webhookPayload } from "./webhooks/payload";

export type WcAuthMode = "prompt" | "approve" | "deny";
/**
 * REST requests without a logged-in user (the index, `/wc/` without a valid key): `open` (WordPress's default) or
 * refused by a security plugin, as `not-logged-in` (401 `rest_not_logged_in`) or `disabled` (404 `rest_disabled`).
 */
export type AnonymousRest = "open" | "not-logged-in" | "disabled";
export type { Fault } from "./control/faults";

export interface WooEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Seed for the generated store (default 1). */
  seed?: number;
  /** How many records to generate (defaults: 25 customers, 50 orders, 10 products). */
  counts?: Partial<SeedCounts>;
  /**
   * Epoch ms the generated history ends at (its dates lie in the three years before). Default: a fixed date
   * (`SEED_END_MS`), so a seed gives the same store whatever the wall clock says; the demo passes its start time.
   */
  seedEndMs?: number;
  siteName?: string;
  /** Public site URL (no trailing slash); default http(s)://127.0.0.1:<port>. OAuth signatures are checked against it. */
  siteUrl?: string;
  /**
   * WordPress installed in a sub-directory (e.g. "/shop"): the site, its REST API and /wc-auth/ live under it and the
   * default site URL ends with it. The control API stays at the root. Default "" (the domain root).
   */
  installPath?: string;
  /** Site timezone as a UTC offset; dates without `_gmt` are in site time. Default 0 (UTC). */
  utcOffsetMinutes?: number;
  /** Delay between a hook firing and its webhook delivery (Action Scheduler). Default 25,000 ms. */
  deliveryDelayMs?: number;
  /** Timeout of one webhook delivery (a timeout counts as a failed delivery). Default 60,000 ms. */
  deliveryTimeoutMs?: number;
  /** Run due deliveries automatically (default true). Tests with a manual clock call flushDeliveries(). */
  autoDeliver?: boolean;
  /** Time source (epoch ms). Default Date.now. The control API can shift it with POST /_emulator/clock. */
  clock?: Clock;
  /** Serve HTTPS with the bundled self-signed localhost certificate (or the given key/cert). */
  tls?: boolean | { key: string; cert: string };
  /** How /wc-auth/v1/authorize answers: show the approve/deny page (default), or approve / deny at once. */
  wcAuthMode?: WcAuthMode;
  /** Accept http:// callback URLs in the key approval flow (real stores require https). Default false. */
  allowHttpAuthCallback?: boolean;
  /**
   * The web server drops the `Authorization` header before WordPress sees it (Apache running PHP as CGI/FastCGI
   * without `CGIPassAuth On`): HTTP Basic then reaches the store as an anonymous request. Default false.
   */
  stripsAuthorizationHeader?: boolean;
  /**
   * WordPress treats `X-Forwarded-Proto: https` as https: a wp-config.php that sets `$_SERVER['HTTPS']` from it, as
   * WordPress advises behind a TLS-terminating proxy. Default false: core's `is_ssl()` reads only `HTTPS` and the
   * port, so the header alone changes nothing (Basic and query keys stay ignored).
   */
  trustForwardedProto?: boolean;
  /**
   * With `tls`: the https connection ends at a proxy (load balancer, CDN) in front of WordPress, which then sees
   * plain http (`is_ssl()` false) unless `trustForwardedProto` (the proxy sends `X-Forwarded-Proto: https`): keys
   * as Basic or query parameters are ignored and OAuth 1.0a must be signed over the site's http:// address.
   * Default false.
   */
  tlsHiddenFromWordPress?: boolean;
  /**
   * Deliver webhooks and pings only where WordPress's `wp_safe_remote_request` lets them go by default
   * (webhooks/safe-url.ts): no loopback or private address of another host, no port but 80, 443 and 8080 (or the
   * site's own port on its host); refused calls fail with "A valid URL was not provided." Default false: tests
   * deliver to loopback receivers on random ports, as the captured store did (its deliveries to another loopback
   * port mean a plugin filter allowed them).
   */
  safeRemoteRequests?: boolean;
  /**
   * A security plugin that refuses REST requests nobody is logged in for (`not-logged-in`: 401
   * `rest_not_logged_in`; `disabled`: 404 `rest_disabled`), the public index included; a valid key still works.
   * Default `open`.
   */
  anonymousRest?: AnonymousRest;
  /** Extra time before every REST list page is answered (real stores take hundreds of ms). Default 0. */
  latencyMs?: number;
  /** Where to write one line per 404 or 5xx answer (the command line passes console.log). Default: silent. */
  log?: LogLine;
}

export interface WooEmulator {
  url: string;
  port: number;
  store: WooStore;
  deliveries: DeliveryQueue;
  /** The context every part of the emulator shares (latency, load, faults, clock, site URL). */
  context: WooEmulatorContext;
  /** Creates an API key (ck_/cs_ + 40 hex), as POST /_emulator/keys does. */
  createKey(permissions?: KeyPermissions): { consumer_key: string; consumer_secret: string; key_id: number };
  /** Sends every queued webhook delivery now. */
  flushDeliveries(): Promise<number>;
  /** Shifts the emulator clock forward (on top of the injected clock). */
  advanceClock(ms: number): void;
  now(): number;
  addFault(fault: Fault): void;
  clearFaults(): void;
  close(): Promise<void>;
}

export interface WooEmulatorContext {
  readonly store: WooStore;
  readonly deliveries: DeliveryQueue;
  /** The emulator clock: the injected clock plus `clockOffsetMs`. */
  readonly clock: Clock;
  readonly render: RenderContext;
  readonly lists: ListCache;
  readonly faults: FaultInjector;
  readonly load: LoadMeter;
  readonly config: {
    siteName: string;
    tls: boolean;
    allowHttpAuthCallback: boolean;
    stripsAuthorizationHeader: boolean;
    trustForwardedProto: boolean;
    tlsHiddenFromWordPress: boolean;
    /** "" or "/shop": where WordPress is installed. */
    installPath: string;
    /** The seed `POST /_emulator/reset` falls back to. */
    defaultSeed: number;
    /** Where generated histories end (`WooEmulatorOptions.seedEndMs`), also on reset. */
    seedEndMs: number;
  };
  readonly log?: LogLine;
  /** Site URL without trailing slash; known once the server listens. */
  siteUrl: string;
  seed: number;
  counts: SeedCounts;
  clockOffsetMs: number;
  wcAuthMode: WcAuthMode;
  /** Whether REST requests without a logged-in user are answered (`POST /_emulator/rest-access` changes it). */
  anonymousRest: AnonymousRest;
  /** The nonce the approve link carries (wc_auth_nonce). */
  readonly wcAuthNonce: string;
}

const DEFAULT_COUNTS: SeedCounts = { customers: 25, orders: 50, products: 10 };

/** Builds and seeds the emulator's context (the server sets `siteUrl` once it knows its port). */
export function createWooContext(options: WooEmulatorOptions): WooEmulatorContext {
  const baseClock = options.clock ?? { now: () => Date.now() };
  const clock: Clock = { now: () => baseClock.now() + ctx.clockOffsetMs };
  const store = new WooStore(clock, (event) => deliveries.onEvent(event));
  const deliveries: DeliveryQueue = new DeliveryQueue({
    clock,
    store,
    delayMs: options.deliveryDelayMs ?? 25_000,
    timeoutMs: options.deliveryTimeoutMs ?? 60_000,
    siteUrl: () => ctx.siteUrl,
    payload: (resource, id) => webhookPayload(ctx, resource, id),
    hashSalt: randomBytes(16).toString("hex"),
    safeRemoteRequests: options.safeRemoteRequests ?? false,
  });
  const utcOffsetMinutes = options.utcOffsetMinutes ?? 0;
  const ctx: WooEmulatorContext = {
    store,
    deliveries,
    clock,
    render: {
      get siteUrl() {
        return ctx.siteUrl;
      },
      utcOffsetMinutes,
      product: (id) => store.products.get(id),
      variation: (id) => store.variations.get(id),
    },
    lists: new ListCache(store),
    faults: new FaultInjector(),
    load: new LoadMeter(options.latencyMs ?? 0),
    config: {
      siteName: options.siteName ?? "Commerce Sync Emulator Store",
      tls: !!options.tls,
      allowHttpAuthCallback: options.allowHttpAuthCallback ?? false,
      stripsAuthorizationHeader: options.stripsAuthorizationHeader ?? false,
      trustForwardedProto: options.trustForwardedProto ?? false,
      tlsHiddenFromWordPress: options.tlsHiddenFromWordPress ?? false,
      installPath: (options.installPath ?? "").replace(/\/+$/, "").replace(/^(?=[^/])/, "/"),
      defaultSeed: options.seed ?? 1,
      seedEndMs: options.seedEndMs ?? SEED_END_MS,
    },
    log: options.log,
    siteUrl: options.siteUrl?.replace(/\/$/, "") ?? "",
    seed: options.seed ?? 1,
    counts: { ...DEFAULT_COUNTS, ...options.counts },
    clockOffsetMs: 0,
    wcAuthMode: options.wcAuthMode ?? "prompt",
    anonymousRest: options.anonymousRest ?? "open",
    wcAuthNonce: randomBytes(5).toString("hex"),
  };
  store.seed(ctx.seed, ctx.counts, ctx.config.seedEndMs);
  return ctx;
}
