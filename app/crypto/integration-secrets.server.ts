/**
 * Sealing of an integration's secrets at rest: `Integration.credentials` (JSON the platform chose: access token,
 * consumer key/secret …) and `Integration.webhookSecret`. Each is bound to its row and column (additional
 * authenticated data `integration:<id>:<column>`), so a value copied to another integration or column does not open.
 * The integration id must exist before sealing: create the row first (or choose its id), then store the sealed value.
 */
import { AppError } from "../lib/errors";
import { DecryptionError, isSealed, open, seal, type Keyring } from "./encryption.server";

type SecretColumn = "credentials" | "webhookSecret";

function context(integrationId: string, column: SecretColumn): string {
  return `integration:${integrationId}:${column}`;
}

/** A stored secret this server cannot open (wrong or rotated-out key, tampered, or never encrypted). */
export class CredentialsUnreadableError extends AppError {
  constructor(column: SecretColumn, cause: unknown) {
    super(
      "credentials_unreadable",
      `The stored ${column === "credentials" ? "store credentials" : "webhook secret"} of this store cannot be ` +
        "read with this server's encryption keys. Reconnect the store (or restore the previous ENCRYPTION_KEY " +
        "in ENCRYPTION_KEYS_OLD).",
      { httpStatus: 409, cause },
    );
  }
}

/** Seals an integration's credentials (any JSON value). */
export function sealCredentials(keyring: Keyring, integrationId: string, credentials: unknown): string {
  return seal(keyring, JSON.stringify(credentials), context(integrationId, "credentials"));
}

/** Opens `Integration.credentials`; throws CredentialsUnreadableError when it cannot. */
export function openCredentials(keyring: Keyring, integrationId: string, sealed: string): unknown {
  return JSON.parse(openColumn(keyring, integrationId, "credentials", sealed)) as unknown;
}

/** Seals an integration's webhook signing secret. */
export function sealWebhookSecret(keyring: Keyring, integrationId: string, secret: string): string {
  return seal(keyring, secret, context(integrationId, "webhookSecret"));
}

/** Opens `Integration.webhookSecret`; throws CredentialsUnreadableError when it cannot. */
export function openWebhookSecret(keyring: Keyring, integrationId: string, sealed: string): string {
  return openColumn(keyring, integrationId, "webhookSecret", sealed);
}

function openColumn(keyring: Keyring, integrationId: string, column: SecretColumn, sealed: string): string {
  if (!isSealed(sealed)) {
    throw new CredentialsUnreadableError(column, new DecryptionError("The value is not encrypted."));
  }
  try {
    return open(keyring, sealed, context(integrationId, column));
  } catch (error) {
    throw new CredentialsUnreadableError(column, error);
  }
}
