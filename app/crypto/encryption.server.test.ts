import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DecryptionError, keyringFrom, needsRotation, open, seal } from "./encryption.server";

const KEY_A = randomBytes(32).toString("base64");
const KEY_B = randomBytes(32).toString("hex");

describe("encryption at rest", () => {
  it("round-trips a secret and never shows the plaintext", () => {
    const keyring = keyringFrom(KEY_A);
    const sealed = seal(keyring, "cs_0123456789abcdef", "integration:1");
    expect(sealed).toMatch(/^enc:v1:[0-9a-f]{8}:/);
    expect(sealed).not.toContain("cs_0123456789abcdef");
    expect(open(keyring, sealed, "integration:1")).toBe("cs_0123456789abcdef");
  });

  it("uses a fresh IV: the same secret seals differently each time", () => {
    const keyring = keyringFrom(KEY_A);
    expect(seal(keyring, "same")).not.toBe(seal(keyring, "same"));
  });

  it("rejects tampered ciphertext", () => {
    const keyring = keyringFrom(KEY_A);
    const parts = seal(keyring, "secret").split(":");
    const ct = Buffer.from(parts[5], "base64url");
    ct[0] ^= 1;
    parts[5] = ct.toString("base64url");
    expect(() => open(keyring, parts.join(":"))).toThrow(DecryptionError);
  });

  it("rejects a ciphertext moved to another row (context bound)", () => {
    const keyring = keyringFrom(KEY_A);
    const sealed = seal(keyring, "secret", "integration:1");
    expect(() => open(keyring, sealed, "integration:2")).toThrow(/integrity/);
  });

  it("opens values sealed with an old key during a rotation and flags them", () => {
    const old = keyringFrom(KEY_A);
    const rotated = keyringFrom(KEY_B, KEY_A);
    const sealedWithOld = seal(old, "token");
    expect(open(rotated, sealedWithOld)).toBe("token");
    expect(needsRotation(rotated, sealedWithOld)).toBe(true);
    expect(needsRotation(rotated, seal(rotated, "token"))).toBe(false);
    expect(() => open(keyringFrom(KEY_B), sealedWithOld)).toThrow(/neither ENCRYPTION_KEY/);
  });
});
