import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { AppError } from "../lib/errors";

/**
 * AES-256-GCM sealing for secrets at rest (store credentials, webhook secrets, Shopify access tokens).
 *
 * Format: `enc:v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url parts). `keyId` is the first 8 hex chars of the
 * SHA-256 of the key, so a value names the key that sealed it and old keys can be kept for decryption while a
 * rotation re-seals rows with the current key. The optional `context` is bound as additional authenticated data, so
 * a ciphertext copied to another row (another integration id) fails to open.
 */
const PREFIX = "enc";
const VERSION = "v1";
const IV_BYTES = 12;

export class DecryptionError extends AppError {
  constructor(message: string) {
    super("decryption_failed", message);
  }
}

export interface Keyring {
  current: Buffer;
  old: Buffer[];
}

export function decodeKey(material: string): Buffer {
  const v = material.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, "hex") : Buffer.from(v, "base64");
  if (key.length !== 32) throw new Error("An encryption key must be exactly 32 bytes (base64 or hex).");
  return key;
}

export function keyringFrom(current: string, old?: string): Keyring {
  return {
    current: decodeKey(current),
    old: (old ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .map(decodeKey),
  };
}

function keyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

export function isSealed(value: string): boolean {
  return value.startsWith(`${PREFIX}:${VERSION}:`);
}

/** Seals `plaintext` with the keyring's current key. */
export function seal(keyring: Keyring, plaintext: string, context = ""): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", keyring.current, iv);
  cipher.setAAD(Buffer.from(context, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [PREFIX, VERSION, keyId(keyring.current), b64(iv), b64(tag), b64(ciphertext)].join(":");
}

/** Opens a sealed value; throws DecryptionError when it was tampered with, or sealed with an unknown key. */
export function open(keyring: Keyring, sealed: string, context = ""): string {
  const parts = sealed.split(":");
  if (parts.length !== 6 || parts[0] !== PREFIX) {
    throw new DecryptionError("Value is not an encrypted secret.");
  }
  if (parts[1] !== VERSION) throw new DecryptionError(`Unsupported secret format ${parts[1]}.`);
  const [, , id, ivPart, tagPart, ctPart] = parts;
  const key = [keyring.current, ...keyring.old].find((k) => keyId(k) === id);
  if (!key) {
    throw new DecryptionError(
      `Secret was encrypted with key ${id}, which is neither ENCRYPTION_KEY nor in ENCRYPTION_KEYS_OLD.`,
    );
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, fromB64(ivPart));
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(fromB64(tagPart));
    return Buffer.concat([decipher.update(fromB64(ctPart)), decipher.final()]).toString("utf8");
  } catch {
    throw new DecryptionError("Encrypted secret failed its integrity check (tampered or wrong context).");
  }
}

/** True when the value was sealed with an old key and should be re-sealed with the current one. */
export function needsRotation(keyring: Keyring, sealed: string): boolean {
  return isSealed(sealed) && sealed.split(":")[2] !== keyId(keyring.current);
}

function b64(buf: Buffer): string {
  return buf.toString("base64url");
}
function fromB64(s: string): Buffer {
  return Buffer.from(s, "base64url");
}
