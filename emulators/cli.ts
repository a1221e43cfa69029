/**
 * `npm run emulator -- <shopify|woocommerce> [options]`: starts a local store emulator on 127.0.0.1.
 * Each platform's options are documented in its own cli (emulators/<platform>/cli.ts) and in the README.
 */
const [platform, ...rest] = process.argv.slice(2);

const platforms: Record<string, () => Promise<{ main: (argv: string[]) => Promise<void> }>> = {
  shopify: () => import("./shopify/cli"),
  woocommerce: () => import("./woocommerce/cli"),
};

const load = platform ? platforms[platform] : undefined;
if (!load) {
  console.error(
    `Usage: npm run emulator -- <${Object.keys(platforms).join("|")}> [--port P] [--seed S] [--customers N] [--orders N] [--products N]`,
  );
  process.exit(2);
}
load()
  .then((mod) => mod.main(rest))
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
