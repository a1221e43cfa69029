/**
 * `npm run emulator -- woocommerce [options]`: serves the WooCommerce emulator on 127.0.0.1 until SIGINT/SIGTERM.
 * `--help` prints the options.
 */
import { startWooEmulator, type AnonymousRest, type WcAuthMode, type WooEmulatorOptions } from "./server";

export const USAGE = `Usage: npm run emulator -- woocommerce [options]

A local WooCommerce 11.0.1 store (REST v3, OAuth 1.0a / Basic, webhooks, key approval) on 127.0.0.1.

Options:
  --port P                    port to listen on (default 0: any free port)
  --seed S                    seed of the generated store (default 1)
  --customers N               customers to generate (default 25)
  --orders N                  orders to generate (default 50)
  --products N                products to generate (default 10)
  --seed-end DATE             the generated history's last day: an ISO date/time or "now"
                              (default 2026-11-01, the same store whatever the date)
  --latency-ms MS             extra time before each REST list page is answered (default 0)
  --delivery-delay-ms MS      delay before a webhook is delivered (default 25000, as Action Scheduler)
  --site-url URL              public site URL (OAuth signatures are checked against it)
  --utc-offset-minutes M      site timezone as a UTC offset (default 0)
  --tls                       serve https with the bundled self-signed localhost certificate
  --tls-hidden-from-wordpress with --tls: WordPress sees plain http (a proxy ends TLS), so only OAuth
                              signed over the http:// address authenticates
  --trust-forwarded-proto     treat X-Forwarded-Proto: https as https (a wp-config.php that maps it)
  --safe-remote-requests      deliver webhooks only where wp_safe_remote_request allows by default
                              (no private/loopback address of another host; ports 80, 443, 8080)
  --wc-auth MODE              key approval: prompt (default), approve or deny
  --allow-http-auth-callback  accept http:// callback URLs in the key approval flow
  --anonymous-rest MODE       REST requests without a key (the /wp-json/ index too): open (default), or
                              refused as a security plugin does: not-logged-in (401) or disabled (404)
  --help, -h                  show this help

Then: POST <url>/_emulator/keys for an API key. See emulators/woocommerce/README.md.`;

const SEE_HELP = "Run `npm run emulator -- woocommerce --help` for the options.";

/** True when the arguments ask for the usage text. */
export function wantsHelp(argv: string[]): boolean {
  return argv.includes("--help") || argv.includes("-h");
}

/** Parses CLI flags into emulator options; throws with the usage text on anything unknown or malformed. */
export function parseArgs(argv: string[]): WooEmulatorOptions {
  const options: WooEmulatorOptions = { counts: {} };
  const counts = options.counts!;
  const number = (flag: string, value: string | undefined): number => {
    const n = Number(value);
    if (value === undefined || !Number.isFinite(n) || n < 0)
      throw new Error(`${flag} needs a non-negative number.\n${SEE_HELP}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    switch (flag) {
      case "--port":
        options.port = number(flag, value);
        i++;
        break;
      case "--seed":
        options.seed = number(flag, value);
        i++;
        break;
      case "--customers":
        counts.customers = number(flag, value);
        i++;
        break;
      case "--orders":
        counts.orders = number(flag, value);
        i++;
        break;
      case "--products":
        counts.products = number(flag, value);
        i++;
        break;
      case "--seed-end": {
        const end = value === "now" ? Date.now() : Date.parse(String(value));
        if (!value || !Number.isFinite(end))
          throw new Error(`--seed-end needs an ISO date (2026-11-01) or "now".\n${SEE_HELP}`);
        options.seedEndMs = end;
        i++;
        break;
      }
      case "--latency-ms":
        options.latencyMs = number(flag, value);
        i++;
        break;
      case "--delivery-delay-ms":
        options.deliveryDelayMs = number(flag, value);
        i++;
        break;
      case "--utc-offset-minutes":
        options.utcOffsetMinutes = Number(value);
        i++;
        break;
      case "--site-url":
        if (!value) throw new Error(`--site-url needs a URL.\n${SEE_HELP}`);
        options.siteUrl = value;
        i++;
        break;
      case "--tls":
        options.tls = true;
        break;
      case "--tls-hidden-from-wordpress":
        options.tlsHiddenFromWordPress = true;
        break;
      case "--trust-forwarded-proto":
        options.trustForwardedProto = true;
        break;
      case "--safe-remote-requests":
        options.safeRemoteRequests = true;
        break;
      case "--wc-auth":
        if (!["prompt", "approve", "deny"].includes(String(value)))
          throw new Error(`--wc-auth needs prompt|approve|deny.\n${SEE_HELP}`);
        options.wcAuthMode = value as WcAuthMode;
        i++;
        break;
      case "--allow-http-auth-callback":
        options.allowHttpAuthCallback = true;
        break;
      case "--anonymous-rest":
        if (!["open", "not-logged-in", "disabled"].includes(String(value)))
          throw new Error(`--anonymous-rest needs open|not-logged-in|disabled.\n${SEE_HELP}`);
        options.anonymousRest = value as AnonymousRest;
        i++;
        break;
      default:
        throw new Error(`Unknown option ${flag}.\n${SEE_HELP}`);
    }
  }
  return options;
}

/** Entry point used by emulators/cli.ts: starts the emulator, prints its URL, stops on SIGINT/SIGTERM. */
export async function main(argv: string[]): Promise<void> {
  if (wantsHelp(argv)) {
    console.log(USAGE);
    return;
  }
  // One line per 404 or 5xx answer, so a developer sees a wrong URL without a stack trace.
  const emulator = await startWooEmulator({ ...parseArgs(argv), log: (line) => console.log(line) });
  const health = emulator.store;
  console.log(
    `WooCommerce emulator listening on ${emulator.url} ` +
      `(${health.customers.size} customers, ${health.orders.size} orders, ${health.products.size} products; ` +
      `POST ${emulator.url}/_emulator/keys for an API key)`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      emulator.close().then(resolve, resolve);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
