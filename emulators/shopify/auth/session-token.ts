/**
 * Session tokens (App Bridge id tokens): HS256 JWTs signed with the app secret, exactly the claims Shopify sets.
 * The mini admin mints them; the token-exchange grant verifies them.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { SignJWT, jwtVerify, errors as joseErrors } from "jose";
import type { EmulatorContext } from "../model";

/** Shopify session tokens live one minute. */
export const SESSION_TOKEN_TTL_S = 60;
/** Leeway on exp/nbf, in seconds (Shopify's libraries allow a few seconds of clock skew). */
export const SESSION_TOKEN_LEEWAY_S = 5;

export interface SessionTokenClaims {
  iss: string;
  dest: string;
  aud: string;
  sub: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  sid: string;
  sig?: string;
}

/** The emulated staff user of a shop (online tokens, session token `sub`). */
export function defaultUserId(): string {
  return "1";
}

/** Mints a session token for `shop` (and user `userId`), valid for one minute from `ctx.now()`. */
export async function signSessionToken(
  ctx: EmulatorContext,
  shop: string,
  options: { userId?: string; ttlS?: number; secret?: string } = {},
): Promise<string> {
  const nowS = Math.floor(ctx.now().getTime() / 1000);
  return new SignJWT({ dest: `https://${shop}`, sid: randomBytes(16).toString("hex") })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(`https://${shop}/admin`)
    .setAudience(ctx.app.apiKey)
    .setSubject(options.userId ?? defaultUserId())
    .setIssuedAt(nowS)
    .setNotBefore(nowS)
    .setExpirationTime(nowS + (options.ttlS ?? SESSION_TOKEN_TTL_S))
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(options.secret ?? ctx.app.apiSecret));
}

export type SessionTokenCheck =
  { ok: true; claims: SessionTokenClaims; shop: string } | { ok: false; reason: string };

/**
 * Verifies a session token as Shopify's token endpoint does: HS256 signature with the app secret, exp/nbf with a
 * small leeway, `aud` = api key, `iss` = https://{shop}/admin and `dest` = https://{shop} for the expected shop.
 */
export async function verifySessionToken(
  ctx: EmulatorContext,
  token: string,
  expectedShop: string,
): Promise<SessionTokenCheck> {
  let claims: SessionTokenClaims;
  try {
    const result = await jwtVerify(token, new TextEncoder().encode(ctx.app.apiSecret), {
      algorithms: ["HS256"],
      clockTolerance: SESSION_TOKEN_LEEWAY_S,
      currentDate: ctx.now(),
    });
    claims = result.payload as unknown as SessionTokenClaims;
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) return { ok: false, reason: "The session token has expired" };
    if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === "nbf") {
      return { ok: false, reason: "The session token is not yet valid" };
    }
    if (err instanceof joseErrors.JWSSignatureVerificationFailed) {
      return { ok: false, reason: "The session token signature is invalid" };
    }
    return { ok: false, reason: "The session token could not be decoded" };
  }
  if (typeof claims.exp !== "number" || typeof claims.nbf !== "number") {
    return { ok: false, reason: "The session token is missing exp or nbf" };
  }
  const audiences = Array.isArray(claims.aud) ? (claims.aud as string[]) : [claims.aud];
  if (!audiences.includes(ctx.app.apiKey)) {
    return { ok: false, reason: "The session token audience does not match the client_id" };
  }
  if (claims.dest !== `https://${expectedShop}`) {
    return { ok: false, reason: "The session token destination does not match the shop" };
  }
  if (claims.iss !== `https://${expectedShop}/admin`) {
    return { ok: false, reason: "The session token issuer does not match the shop" };
  }
  return { ok: true, claims, shop: expectedShop };
}
