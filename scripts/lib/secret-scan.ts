/**
 * The log secret scan (issue 12, item 4): finds credentials in captured log text, by their known values (the test
 * run's app secret, encryption key, tokens) and by their shapes (session tokens, Shopify and WooCommerce tokens, API
 * tokens, secret-bearing query values that escaped redaction). Used by the vitest run's global teardown
 * (tests/setup/log-capture.ts) and by `scripts/scan-logs.ts` after the e2e run.
 */
import { readFileSync } from "node:fs";

/** Shapes of credentials that must never appear in a log or a dump, whatever their value. */
export const TOKEN_SHAPES: Record<string, RegExp> = {
  "JWT (session token)": /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/,
  "Shopify access/refresh token or app secret": /\bshp(?:at|ua|ca|pa|ss|rt)_[A-Za-z0-9]{16,}/,
  "WooCommerce consumer key/secret": /\b(?:ck|cs)_[A-Za-z0-9]{20,}/,
  "Commerce Sync API token": /\bcst_[A-Za-z0-9_-]{30,}/,
};

/**
 * Secret-bearing query parameters and headers written out with a value (request logs must show `[redacted]`).
 * The value must be 8+ characters of token alphabet, so prose ("the hmac= parameter") does not match.
 */
export const LEAK_PATTERNS: Record<string, RegExp> = {
  "hmac/id_token/session/code/state query value":
    /[?&](?:hmac|id_token|session|code|state|signature|access_token)=(?!\[redacted\]|%5Bredacted%5D)[A-Za-z0-9%._~+/=-]{8,}/,
  "bearer credential": /\bBearer\s+(?!\[redacted\])[A-Za-z0-9._~+/=-]{16,}/,
};

export interface Finding {
  file: string;
  line: number;
  what: string;
  excerpt: string;
}

/** Known values shorter than this are not searched (they would match by chance). */
const MIN_VALUE_LENGTH = 12;

export function scanText(
  file: string,
  text: string,
  secrets: Record<string, string>,
  options: { shapes?: boolean } = {},
): Finding[] {
  const values = Object.entries(secrets).filter(
    ([, v]) => typeof v === "string" && v.length >= MIN_VALUE_LENGTH,
  );
  const patterns = options.shapes === false ? {} : { ...TOKEN_SHAPES, ...LEAK_PATTERNS };
  const findings: Finding[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    for (const [name, value] of values)
      if (line.includes(value))
        findings.push({ file, line: i + 1, what: name, excerpt: excerpt(line, value) });
    for (const [name, shape] of Object.entries(patterns)) {
      const m = shape.exec(line);
      if (m) findings.push({ file, line: i + 1, what: `${name} (shape)`, excerpt: excerpt(line, m[0]) });
    }
  }
  return findings;
}

export function scanFiles(files: string[], secrets: Record<string, string>): Finding[] {
  return files.flatMap((file) => scanText(file, readFileSync(file, "utf8"), secrets));
}

/** The line around the match, with the match itself masked (the report must not print the secret either). */
function excerpt(line: string, match: string): string {
  const at = line.indexOf(match);
  const masked = `${line.slice(Math.max(0, at - 60), at)}<${match.slice(0, 4)}…masked>${line.slice(at + match.length, at + match.length + 60)}`;
  return masked.replace(/\s+/g, " ");
}

export function formatFindings(findings: Finding[]): string {
  return findings.map((f) => `${f.file}:${f.line}: ${f.what}: ${f.excerpt}`).join("\n");
}
