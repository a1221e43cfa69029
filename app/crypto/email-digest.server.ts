/**
 * Keyed digests of email addresses, for what must recognise an address without keeping it readable: the suppression
 * of a redacted customer (ADR 0048). HMAC-SHA256 under a key derived (HKDF) from ENCRYPTION_KEY, never stored in
 * the database: a plain hash of an email is guessable from a database dump (hash a list of candidate addresses and
 * compare), a keyed digest is not. One-way even for us: nothing ever needs the address back, so nothing can reveal it.
 *
 * Format: `<keyId>:<base64url HMAC>`. `keyId` names the derived key, so a digest made before a rotation of
 * ENCRYPTION_KEY is still recognised while the old key stays in ENCRYPTION_KEYS_OLD (`candidateDigests`).
 */
import { createHash } from "node:crypto";
import type { Keyring } from "./encryption.server";
import { derivedDigestKey, keyedDigest } from "./keyed-digest.server";

export interface EmailDigestKey {
  id: string;
  key: Buffer;
}

/** The digest keys of a keyring: the current key's first (new digests), then the old keys' (still recognised). */
export interface EmailDigestKeys {
  current: EmailDigestKey;
  old: EmailDigestKey[];
}

function derive(encryptionKey: Buffer): EmailDigestKey {
  const key = derivedDigestKey(encryptionKey, "commerce-sync email-digest v1");
  return { id: createHash("sha256").update(key).digest("hex").slice(0, 8), key };
}

/** Derives the email digest keys from the process keyring (ENCRYPTION_KEY, ENCRYPTION_KEYS_OLD). */
export function emailDigestKeysFrom(keyring: Keyring): EmailDigestKeys {
  return { current: derive(keyring.current), old: keyring.old.map(derive) };
}

function digestWith(key: EmailDigestKey, scope: string, normalizedEmail: string): string {
  return `${key.id}:${keyedDigest(key.key, `${scope}\n${normalizedEmail}`)}`;
}

/**
 * The digest of a normalized email within `scope` (a store's integration id: the same person redacted in two
 * stores leaves two unrelated digests, so a dump cannot link them).
 */
export function emailDigest(keys: EmailDigestKeys, scope: string, normalizedEmail: string): string {
  return digestWith(keys.current, scope, normalizedEmail);
}

/** Every digest the email may have been stored under: the current key's and each old key's. */
export function candidateDigests(keys: EmailDigestKeys, scope: string, normalizedEmail: string): string[] {
  return [keys.current, ...keys.old].map((key) => digestWith(key, scope, normalizedEmail));
}
