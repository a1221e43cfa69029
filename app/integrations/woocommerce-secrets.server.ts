/**
 * Sealing of the secrets the WooCommerce connect services write: the integration's credentials and webhook secret
 * (bound to their row and column, `integration:<id>:<column>`, the convention `Platforms.contextFor` opens them with),
 * and the key a store sent for a pending approval (bound to the attempt).
 */
import { open, seal, type Keyring } from "../crypto/encryption.server";
import type { WooCredentials } from "../platforms/woocommerce/types";

export function sealIntegrationCredentials(
  keyring: Keyring,
  integrationId: string,
  value: WooCredentials,
): string {
  return seal(keyring, JSON.stringify(value), `integration:${integrationId}:credentials`);
}

export function sealIntegrationWebhookSecret(
  keyring: Keyring,
  integrationId: string,
  secret: string,
): string {
  return seal(keyring, secret, `integration:${integrationId}:webhookSecret`);
}

export function openIntegrationWebhookSecret(
  keyring: Keyring,
  integrationId: string,
  sealed: string,
): string {
  return open(keyring, sealed, `integration:${integrationId}:webhookSecret`);
}

export function sealAttemptKey(keyring: Keyring, attemptId: string, value: WooCredentials): string {
  return seal(keyring, JSON.stringify(value), `woo-connect-attempt:${attemptId}`);
}

export function openAttemptKey(keyring: Keyring, attemptId: string, sealed: string): WooCredentials {
  return JSON.parse(open(keyring, sealed, `woo-connect-attempt:${attemptId}`)) as WooCredentials;
}
