import { loadEnv } from "../env.server";
import { keyringFrom, type Keyring } from "./encryption.server";

let keyring: Keyring | undefined;

/** The process keyring built from ENCRYPTION_KEY (+ ENCRYPTION_KEYS_OLD during a rotation). */
export function appKeyring(): Keyring {
  if (!keyring) {
    const env = loadEnv();
    keyring = keyringFrom(env.ENCRYPTION_KEY, env.ENCRYPTION_KEYS_OLD);
  }
  return keyring;
}
