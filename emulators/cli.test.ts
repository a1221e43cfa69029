import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const TSX = fileURLToPath(new URL("node_modules/tsx/dist/cli.mjs", `file://${ROOT}`));

/** Runs `npm run emulator -- <args>` (the same entry point) to completion. */
function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TSX, "emulators/cli.ts", ...args], { cwd: ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run emulator", () => {
  it("prints its usage and exits 0 on --help", async () => {
    const { code, stdout } = await runCli(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: npm run emulator -- <shopify\|woocommerce> \[options\]/);
    expect(stdout).toContain("npm run emulator -- <platform> --help");
  });

  it("prints the WooCommerce options and exits 0 on woocommerce --help", async () => {
    const { code, stdout } = await runCli(["woocommerce", "--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: npm run emulator -- woocommerce \[options\]/);
    for (const flag of ["--port", "--customers", "--latency-ms", "--tls", "--wc-auth"])
      expect(stdout).toContain(flag);
  });

  it("answers shopify --help with exit 0 too", async () => {
    const { code, stdout } = await runCli(["shopify", "--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("npm run emulator -- shopify");
  });

  it("exits 2 with the usage on stderr when the platform is missing or unknown", async () => {
    const missing = await runCli([]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("Usage: npm run emulator");
    const unknown = await runCli(["magento"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown platform "magento".');
  });
});
