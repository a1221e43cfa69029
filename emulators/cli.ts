/**
 * `npm run emulator -- <shopify|woocommerce> [options]`: starts a local store emulator on 127.0.0.1.
 * `npm run emulator -- --help` prints the usage; `npm run emulator -- <platform> --help` the platform's options.
 */
/** A platform's command line: `main` runs it; `USAGE`, when exported, is its --help text. */
interface PlatformCli {
  main: (argv: string[]) => Promise<void>;
  USAGE?: string;
}

const platforms: Record<string, () => Promise<PlatformCli>> = {
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
const wantsHelp = rest.includes("--help") || rest.includes("-h");
load()
  .then((mod) => {
    if (!wantsHelp) return mod.main(rest);
    // A platform without its own usage text gets the general one (which shows its flags).
    console.log(mod.USAGE ?? USAGE);
  })
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
