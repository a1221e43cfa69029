/**
 * The demo's command line checked before anything starts: `--help` prints the usage, an unknown flag (a typo such as
 * `--app-prot`) or a flag without its value is refused with the list of flags, instead of starting a full demo on
 * the defaults the user meant to change.
 */

/** Flags that take a value, and what each one sets (the usage text). */
export const DEMO_VALUE_FLAGS: Record<string, string> = {
  "app-port": "port of the app (3000)",
  "shopify-port": "port of the Shopify emulator and its admin (4100)",
  "woo-port": "port of the WooCommerce emulator (4200)",
  "data-dir": "folder of the demo's SQLite database and files (data)",
  "activity-ms": "milliseconds between the stores' new orders and customer changes (4000)",
  customers: "customers seeded per store (1200)",
  orders: "orders seeded per store (2500)",
  products: "products seeded per store (150)",
};

/** Flags without a value. */
export const DEMO_SWITCHES: Record<string, string> = {
  rebuild: "make a fresh production build first",
  help: "print this and exit",
};

export function demoUsage(): string {
  const rows = [
    ...Object.entries(DEMO_VALUE_FLAGS).map(([flag, what]) => [`--${flag} <value>`, what]),
    ...Object.entries(DEMO_SWITCHES).map(([flag, what]) => [`--${flag}`, what]),
  ];
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return [
    "Usage: npm run demo -- [flags]",
    "",
    "Commerce Sync on SQLite with the local Shopify and WooCommerce emulators.",
    "",
    ...rows.map(([flag, what]) => `  ${flag.padEnd(width)}  ${what}`),
  ].join("\n");
}

export type DemoArgs = { kind: "run" } | { kind: "help" } | { kind: "error"; message: string };

/** `args` without node and the script (process.argv.slice(2)). */
export function checkDemoArgs(args: readonly string[]): DemoArgs {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const flag = arg.startsWith("--") ? arg.slice(2) : null;
    if (flag === "help" || arg === "-h") return { kind: "help" };
    if (flag !== null && Object.hasOwn(DEMO_SWITCHES, flag)) continue;
    if (flag !== null && Object.hasOwn(DEMO_VALUE_FLAGS, flag)) {
      const value = args[i + 1];
      if (value === undefined || value.startsWith("--"))
        return { kind: "error", message: `--${flag} needs a value: ${DEMO_VALUE_FLAGS[flag]}.` };
      i++;
      continue;
    }
    return {
      kind: "error",
      message: `${flag !== null ? `Unknown flag --${flag}` : `Unexpected argument "${arg}"`}. ${demoUsage()}`,
    };
  }
  return { kind: "run" };
}
