/**
 * Result URLs that behave like Shopify's (signed Google Cloud Storage URLs valid for 7 days): the emulator signs
 * `/_emulator/bulk/{id}.jsonl` with a date and a lifetime; a tampered URL answers 403 `SignatureDoesNotMatch`, an
 * expired one 400 `ExpiredToken` (GCS's XML error bodies), so an app must handle an expired URL by running the
 * operation again. Expiry is measured on the emulator's clock.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** Shopify: result URLs expire 7 days after the operation completes. */
export const DEFAULT_RESULT_URL_TTL_S = 7 * 24 * 3600;

export type UrlCheck = { ok: true } | { ok: false; status: number; body: string };

const gcsError = (code: string, message: string, details: string) =>
  `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${message}</Message><Details>${details}</Details></Error>`;

/** `20261101T120000Z`, the X-Goog-Date format. */
function googDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}

function parseGoogDate(value: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : null;
}

export class ResultUrlSigner {
  private readonly key = randomBytes(32);

  constructor(private readonly ttlS: number = DEFAULT_RESULT_URL_TTL_S) {}

  private signature(path: string, date: string, expiresS: string): string {
    return createHmac("sha256", this.key).update(`${path}\n${date}\n${expiresS}`).digest("hex");
  }

  /** A signed URL for `path` (e.g. /_emulator/bulk/7.jsonl), valid `ttlS` from `signedAt`. */
  sign(baseUrl: string, path: string, signedAt: Date): string {
    const date = googDate(signedAt);
    const expires = String(this.ttlS);
    const query = new URLSearchParams({
      "X-Goog-Algorithm": "GOOG4-HMAC-SHA256",
      "X-Goog-Date": date,
      "X-Goog-Expires": expires,
      "X-Goog-Signature": this.signature(path, date, expires),
    });
    return `${baseUrl}${path}?${query.toString()}`;
  }

  /**
   * Checks a request's signature and expiry against the emulator's clock `nowMs`; `expired` makes a correctly
   * signed URL answer as expired whatever its date (the control API's "expire now").
   */
  check(path: string, query: URLSearchParams, nowMs: number, expired = false): UrlCheck {
    const date = query.get("X-Goog-Date") ?? "";
    const expires = query.get("X-Goog-Expires") ?? "";
    const given = Buffer.from(query.get("X-Goog-Signature") ?? "", "utf8");
    const expected = Buffer.from(this.signature(path, date, expires), "utf8");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return {
        ok: false,
        status: 403,
        body: gcsError(
          "SignatureDoesNotMatch",
          "Access denied.",
          "The request signature we calculated does not match the signature you provided.",
        ),
      };
    }
    const signedMs = parseGoogDate(date);
    if (expired || signedMs === null || nowMs > signedMs + Number(expires) * 1000) {
      return {
        ok: false,
        status: 400,
        body: gcsError(
          "ExpiredToken",
          "Invalid argument.",
          `The provided token has expired. Request signature expired at: ${new Date((signedMs ?? 0) + Number(expires) * 1000).toISOString()}`,
        ),
      };
    }
    return { ok: true };
  }
}
