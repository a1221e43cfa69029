/**
 * Serves the production build for Playwright on a fresh SQLite database: `tsx scripts/e2e-server.ts --port P`.
 */
import { rmSync } from "node:fs";
import { localAppEnv, localSecrets } from "./lib/local-env";
import { ensureBuild, run, startAppServer } from "./lib/processes";

const portArg = process.argv.indexOf("--port");
const appPort = portArg > 0 ? Number(process.argv[portArg + 1]) : 3210;
const databaseUrl = "file:./tmp/e2e/e2e.sqlite";

rmSync("tmp/e2e", { recursive: true, force: true });
run("npx", ["tsx", "scripts/migrate.ts"], { DATABASE_URL: databaseUrl });
// Always build unless the caller just did (scripts/test.sh): a stale bundle would test old code.
ensureBuild(process.env.E2E_SKIP_BUILD !== "1");
const server = startAppServer(
  localAppEnv({ appPort, databaseUrl, secrets: localSecrets("tmp/e2e/secrets.json") }),
);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.kill("SIGTERM");
    process.exit(0);
  });
}
server.on("exit", (code) => process.exit(code ?? 1));
