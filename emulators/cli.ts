/**
 * `npm run emulator -- <shopify|woocommerce> [options]`: starts a local store emulator on 127.0.0.1.
 * `npm run emulator -- --help` prints the usage; `npm run emulator -- <platform> --help` the platform's options.
 */
const platforms: Record<string, () => Promise<{ main: (argv: string[]) => Promise<void> }>> = {
  shopify: () => import("./shopify/cli"),
  woocommerce: () => import("./woocommerce/cli"),
};

const USAGE = `Usage: npm run emulator -- <${Object.keys(platforms).join("|")}> [options]

Starts a local store emulator on 127.0.0.1 (state in memory, seeded deterministically).

  npm run emulator -- shopify --port 4100 [--seed S] [--customers N] [--orders N] [--products N]
  npm run emulator -- woocommerce --port 4200 [--seed S] [--customers N] [--orders N] [--products N]

Each platform lists its own options: npm run emulator -- <platform> --help
Documentation: emulators/shopify/README.md, emulators/woocommerce/README.md`;

const [platform, ...rest] = process.argv.slice(2);

if (platform === "--help" || platform === "-h" || platform === "help") {
  console.log(USAGE);
  process.exit(0);
}
const load = platform ? platforms[platform] : undefined;
if (!load) {
  console.error(platform ? `Unknown platform "${platform}".\n\n${USAGE}` : USAGE);
  process.exit(2);
}
load()
  .then((mod) => mod.main(rest))
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
