/** The merchant the bad-input corpus (tests/security/bad-input.test.ts) runs against, and the secrets it holds. */
import { randomBytes } from "node:crypto";
import { keyringFrom } from "../../../app/crypto/encryption.server";
import { sealCredentials, sealWebhookSecret } from "../../../app/crypto/integration-secrets.server";
import { createApiToken, revokeApiToken } from "../../../app/integrations/api-tokens.server";
import { seedMerchant, type MerchantFixture } from "../../../app/integrations/testing/merchant";
import { type TestDatabase } from "../../setup/db";
import { Session } from "@shopify/shopify-api";
import { EncryptedSessionStorage } from "../../../app/platforms/shopify/session-storage.server";
import { HTTP_APP, type HttpApp } from "../http-app";

export interface Ctx {
  appUrl: string;
  m: MerchantFixture;
  shop: string;
  wooSecret: string;
  token: string;
  revokedToken: string;
  attempts: { pending: string; expired: string; used: string };
  nonce: string;
}

/** Credentials stored sealed in the seeded database: the corpus checks none is readable or logged. */
export const ACCESS_TOKEN = `shpat_${randomBytes(16).toString("hex")}`;
export const REFRESH_TOKEN = `shprt_${randomBytes(16).toString("hex")}`;
export const WOO_KEY = `ck_${"c".repeat(40)}`;
export const WOO_SECRET = `cs_${"d".repeat(40)}`;

/**
 * Seeds the merchant the corpus attacks behind `app`: sealed WooCommerce credentials and webhook secret, an API token
 * and a revoked one, three WooCommerce connect attempts (pending, expired, used), a stored Shopify session.
 */
export async function seedWorld(t: TestDatabase, app: HttpApp): Promise<Ctx> {
  const m = await seedMerchant(t.db);
  const keyring = keyringFrom(HTTP_APP.encryptionKey);
  const shop = (await t.db.integration.findUniqueOrThrow({ where: { id: m.shopifyId } })).storeKey;
  const wooSecret = `whsec_${randomBytes(16).toString("hex")}`;
  await t.db.integration.update({
    where: { id: m.wooId },
    data: {
      webhookSecret: sealWebhookSecret(keyring, m.wooId, wooSecret),
      credentials: sealCredentials(keyring, m.wooId, { consumerKey: WOO_KEY, consumerSecret: WOO_SECRET }),
    },
  });
  const token = (
    await createApiToken(t.db, { organizationId: m.organizationId, name: "Desk", createdBy: "test" })
  ).token;
  const revoked = await createApiToken(t.db, {
    organizationId: m.organizationId,
    name: "Old",
    createdBy: "test",
  });
  await revokeApiToken(t.db, { organizationId: m.organizationId, tokenId: revoked.id, actor: "test" });
  const attempt = async (status: string, expiresInMs: number) => {
    const id = randomBytes(24).toString("base64url");
    await t.db.wooConnectAttempt.create({
      data: {
        id,
        browserHash: "0".repeat(64),
        storeUrl: "https://woo.example",
        status,
        createdAt: new Date(),
        expiresAt: new Date(Date.now() + expiresInMs),
      },
    });
    return id;
  };
  const session = new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false });
  session.accessToken = ACCESS_TOKEN;
  session.refreshToken = REFRESH_TOKEN;
  session.scope = "read_customers";
  await new EncryptedSessionStorage(t.db, keyring).storeSession(session);
  return {
    appUrl: app.url,
    m,
    shop,
    wooSecret,
    token,
    revokedToken: revoked.token,
    attempts: {
      pending: await attempt("pending", 600_000),
      expired: await attempt("pending", -1000),
      used: await attempt("keys_received", 600_000),
    },
    nonce: randomBytes(16).toString("base64url"),
  };
}
