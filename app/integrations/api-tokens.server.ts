/**
 * Organization API tokens for the integrations API. A token is `cst_` + 32 random bytes (base64url): it is returned
 * once, at creation, and only its SHA-256 is stored (a high-entropy secret needs no slow hash). Lookup is by hash,
 * so comparing secrets never happens in application code. Revoked tokens stay listed but never authenticate.
 */
import { createHash, randomBytes } from "node:crypto";
import { AppError } from "../lib/errors";
import type { AppDb } from "../sync/platform";

export const API_TOKEN_PREFIX = "cst_";
/** Characters of the token shown in lists so a merchant can tell tokens apart (prefix + 6 of the secret). */
const VISIBLE_CHARS = API_TOKEN_PREFIX.length + 6;
/** At most this many live tokens per organization (a list a person can still review). */
export const MAX_ACTIVE_TOKENS = 25;

export interface ApiTokenSummary {
  id: string;
  name: string;
  /** e.g. "cst_Ab12Cd…" */
  preview: string;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedApiToken extends ApiTokenSummary {
  /** The whole token. Shown once; never stored. */
  token: string;
}

export function hashApiToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** True for strings shaped like our tokens (session tokens, which are JWTs, are not). */
export function looksLikeApiToken(value: string): boolean {
  return /^cst_[A-Za-z0-9_-]{43}$/.test(value);
}

function summary(row: {
  id: string;
  name: string;
  prefix: string;
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}): ApiTokenSummary {
  return {
    id: row.id,
    name: row.name,
    preview: `${row.prefix}…`,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/** Creates a token for the organization and returns it whole, once. */
export async function createApiToken(
  db: AppDb,
  input: { organizationId: string; name: string; createdBy: string },
): Promise<CreatedApiToken> {
  const name = input.name.trim();
  if (!name)
    throw new AppError("invalid_token_name", "Give the token a name, e.g. “Support desk”.", {
      httpStatus: 400,
    });
  if (name.length > 60)
    throw new AppError("invalid_token_name", "Keep the token name under 60 characters.", { httpStatus: 400 });
  const active = await db.apiToken.count({
    where: { organizationId: input.organizationId, revokedAt: null },
  });
  if (active >= MAX_ACTIVE_TOKENS) {
    throw new AppError(
      "too_many_tokens",
      `You already have ${MAX_ACTIVE_TOKENS} active tokens. Revoke one you no longer use first.`,
      { httpStatus: 409 },
    );
  }
  const token = API_TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const row = await db.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: {
        organizationId: input.organizationId,
        name,
        tokenHash: hashApiToken(token),
        prefix: token.slice(0, VISIBLE_CHARS),
        createdBy: input.createdBy,
      },
    });
    await tx.auditLog.create({
      data: {
        organizationId: input.organizationId,
        actor: input.createdBy,
        action: "api_token.created",
        detail: { tokenId: created.id, name },
      },
    });
    return created;
  });
  return { ...summary(row), token };
}

/** Every token of the organization, newest first (revoked ones included, marked). */
export async function listApiTokens(db: AppDb, organizationId: string): Promise<ApiTokenSummary[]> {
  const rows = await db.apiToken.findMany({ where: { organizationId }, orderBy: { createdAt: "desc" } });
  return rows.map(summary);
}

/** Revokes a token of the organization; another organization's token is "not found". Idempotent. */
export async function revokeApiToken(
  db: AppDb,
  input: { organizationId: string; tokenId: string; actor: string },
): Promise<ApiTokenSummary> {
  const row = await db.apiToken.findFirst({
    where: { id: input.tokenId, organizationId: input.organizationId },
  });
  if (!row) throw new AppError("token_not_found", "This token does not exist.", { httpStatus: 404 });
  if (row.revokedAt) return summary(row);
  const [updated] = await db.$transaction([
    db.apiToken.update({ where: { id: row.id }, data: { revokedAt: new Date() } }),
    db.auditLog.create({
      data: {
        organizationId: input.organizationId,
        actor: input.actor,
        action: "api_token.revoked",
        detail: { tokenId: row.id, name: row.name },
      },
    }),
  ]);
  return summary(updated);
}

/** The organization a live token belongs to, or null (unknown, malformed or revoked). Notes when it was used. */
export async function verifyApiToken(
  db: AppDb,
  token: string,
  now: Date = new Date(),
): Promise<{ organizationId: string; tokenId: string } | null> {
  if (!looksLikeApiToken(token)) return null;
  const row = await db.apiToken.findUnique({ where: { tokenHash: hashApiToken(token) } });
  if (!row || row.revokedAt) return null;
  // At most one write per token per minute: busy integrations must not turn every read into a write.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return { organizationId: row.organizationId, tokenId: row.id };
}
