/**
 * `npm run emulator -- woocommerce --port P [--seed S] [--customers N] [--orders N] [--products N]
 *   [--delivery-delay-ms MS] [--site-url URL] [--utc-offset-minutes M] [--tls] [--wc-auth prompt|approve|deny]
 *   [--allow-http-auth-callback]`
 * Serves the WooCommerce emulator on 127.0.0.1 until SIGINT/SIGTERM.
 */
import { startWooEmulator, type WcAuthMode, type WooEmulatorOptions } from "./server";

const USAGE =
  "Usage: npm run emulator -- woocommerce --port P [--seed S] [--customers N] [--orders N] [--products N] " +
  "[--delivery-delay-ms MS] [--site-url URL] [--utc-offset-minutes M] [--tls] [--wc-auth prompt|approve|deny] " +
  "[--allow-http-auth-callback]";

/** Parses CLI flags into emulator options; throws with the usage text on anything unknown or malformed. */
export function parseArgs(argv: string[]): WooEmulatorOptions {
  const options: WooEmulatorOptions = { counts: {} };
  const counts = options.counts!;
  const number = (flag: string, value: string | undefined): number => {
    const n = Number(value);
    if (value === undefined || !Number.isFinite(n) || n < 0)
      throw new Error(`${flag} needs a non-negative number.\n${USAGE}`);
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
      case "--delivery-delay-ms":
        options.deliveryDelayMs = number(flag, value);
        i++;
        break;
      case "--utc-offset-minutes":
        options.utcOffsetMinutes = Number(value);
        i++;
        break;
      case "--site-url":
        if (!value) throw new Error(`--site-url needs a URL.\n${USAGE}`);
        options.siteUrl = value;
        i++;
        break;
      case "--tls":
        options.tls = true;
        break;
      case "--wc-auth":
        if (!["prompt", "approve", "deny"].includes(String(value)))
          throw new Error(`--wc-auth needs prompt|approve|deny.\n${USAGE}`);
        options.wcAuthMode = value as WcAuthMode;
        i++;
        break;
      case "--allow-http-auth-callback":
        options.allowHttpAuthCallback = true;
        break;
      case "--help":
      case "-h":
        throw new Error(USAGE);
      default:
        throw new Error(`Unknown option ${flag}.\n${USAGE}`);
    }
  }
  return options;
}

/** Entry point used by emulators/cli.ts: starts the emulator, prints its URL, stops on SIGINT/SIGTERM. */
export async function main(argv: string[]): Promise<void> {
  const options = parseArgs(argv);
  const emulator = await startWooEmulator(options);
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
