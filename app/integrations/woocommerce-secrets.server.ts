/**
 * Sealing of the key a store sent for a pending key approval, bound to that attempt (`woo-connect-attempt:<id>`):
 * a sealed key copied to another attempt does not open. Integration credentials and webhook secrets are sealed with
 * app/crypto/integration-secrets.server.ts, like every platform's.
 */
import { open, seal, type Keyring } from "../crypto/encryption.server";
import type { WooCredentials } from "../platforms/woocommerce/types";

export function sealAttemptKey(keyring: Keyring, attemptId: string, value: WooCredentials): string {
  return seal(keyring, JSON.stringify(value), `woo-connect-attempt:${attemptId}`);
}

export function openAttemptKey(keyring: Keyring, attemptId: string, sealed: string): WooCredentials {
  return JSON.parse(open(keyring, sealed, `woo-connect-attempt:${attemptId}`)) as WooCredentials;
}
