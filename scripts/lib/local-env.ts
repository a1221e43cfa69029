/**
 * Environment for running Commerce Sync locally without any setup (demo and e2e): the embedded SQLite database,
 * the local store emulators, and secrets generated once per checkout into data/local-secrets.json (mode 0600,
 * git-ignored). Never used in production, where every variable comes from the real environment.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export const LOCAL_API_KEY = "commerce-sync-demo-api-key";
export const LOCAL_APP_HANDLE = "commerce-sync";

interface LocalSecrets {
  shopifyApiSecret: string;
  encryptionKey: string;
}

export function localSecrets(file = "data/local-secrets.json"): LocalSecrets {
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as LocalSecrets;
  mkdirSync(dirname(file), { recursive: true });
  const secrets: LocalSecrets = {
    shopifyApiSecret: randomBytes(24).toString("hex"),
    encryptionKey: randomBytes(32).toString("base64"),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return secrets;
}

export function localAppEnv(input: {
  appPort: number;
  databaseUrl: string;
  shopifyEmulatorUrl?: string;
  secrets: LocalSecrets;
}): Record<string, string> {
  const appUrl = `http://127.0.0.1:${input.appPort}`;
  return {
    NODE_ENV: "production",
    PORT: String(input.appPort),
    HOST: "127.0.0.1",
    DATABASE_URL: input.databaseUrl,
    SHOPIFY_API_KEY: LOCAL_API_KEY,
    SHOPIFY_API_SECRET: input.secrets.shopifyApiSecret,
    SHOPIFY_APP_URL: appUrl,
    ENCRYPTION_KEY: input.secrets.encryptionKey,
    ALLOW_PRIVATE_STORE_URLS: "true",
    RUN_JOBS_IN_PROCESS: "true",
    ...(input.shopifyEmulatorUrl
      ? {
          SHOPIFY_EMULATOR_URL: input.shopifyEmulatorUrl,
          APP_BRIDGE_URL: `${input.shopifyEmulatorUrl}/_emulator/app-bridge.js`,
        }
      : {}),
  };
}
