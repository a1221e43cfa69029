/**
 * Verifies Shopify session tokens (the embedded app's and admin UI extensions' `Authorization: Bearer` JWTs) the way
 * Shopify documents them: HS256 signed with the app's secret, `aud` = the app's API key, `exp`/`nbf` checked (a few
 * seconds of clock skew allowed), `dest` = the shop's URL.
 */
import { jwtVerify } from "jose";

const CLOCK_TOLERANCE_S = 10;

/** The shop domain a valid session token was issued for, or null for any invalid, expired or foreign token. */
export async function shopFromSessionToken(
  token: string,
  app: { apiKey: string; apiSecret: string },
): Promise<{ shop: string } | null> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(app.apiSecret), {
      algorithms: ["HS256"],
      audience: app.apiKey,
      clockTolerance: CLOCK_TOLERANCE_S,
      requiredClaims: ["exp", "dest"],
    });
    const shop = new URL(String(payload.dest)).hostname;
    return /^[a-z0-9][a-z0-9.-]*$/i.test(shop) ? { shop } : null;
  } catch {
    return null;
  }
}
