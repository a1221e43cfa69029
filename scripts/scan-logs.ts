/**
 * `tsx scripts/scan-logs.ts [--secrets file.json]... log files...`: fails (exit 1), naming file and line, when a
 * captured log holds a credential — a known value from the secrets files (every string value of the JSON) or a
 * token shape (scripts/lib/secret-scan.ts). scripts/test.sh runs it on the e2e app server's log.
 */
import { existsSync, readFileSync } from "node:fs";
import { formatFindings, scanFiles } from "./lib/secret-scan";

const args = process.argv.slice(2);
const secrets: Record<string, string> = {};
const files: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--secrets") {
    const file = args[++i];
    const json = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    for (const [name, value] of Object.entries(json))
      if (typeof value === "string") secrets[`${name} (${file})`] = value;
  } else files.push(args[i]);
}
const missing = files.filter((f) => !existsSync(f));
if (files.length === 0 || missing.length > 0) {
  console.error(
    files.length === 0
      ? "scan-logs: no log file given"
      : `scan-logs: missing log file(s): ${missing.join(", ")} (did the run write them?)`,
  );
  process.exit(2);
}
const lines = files.reduce((n, f) => n + readFileSync(f, "utf8").split("\n").length, 0);
const findings = scanFiles(files, secrets);
if (findings.length > 0) {
  console.error(`Secrets found in logs (${findings.length}):\n${formatFindings(findings)}`);
  process.exit(1);
}
console.info(
  `scan-logs: ${lines} lines in ${files.length} file(s), ${Object.keys(secrets).length} known secret(s) and every token shape: clean`,
);
