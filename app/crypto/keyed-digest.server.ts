/**
 * Keyed digests (HMAC-SHA256 under a key derived by HKDF from ENCRYPTION_KEY) for what must be recognised without
 * being kept readable: redacted customers' emails (email-digest.server.ts, ADR 0048) and the client addresses the
 * connect limits count (app/lib/connect-limits.server.ts, ADR 0057). Each use derives its own key (its `purpose`), so
 * one digest cannot be matched against another use's.
 */
import { createHmac, hkdfSync } from "node:crypto";

/** A 32-byte key for one purpose, derived from an encryption key (the keyring's current or an old one). */
export function derivedDigestKey(encryptionKey: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", encryptionKey, Buffer.alloc(0), purpose, 32));
}

/** The base64url HMAC-SHA256 of `text` (UTF-8) under `key`. */
export function keyedDigest(key: Buffer, text: string): string {
  return createHmac("sha256", key).update(text, "utf8").digest("base64url");
}
