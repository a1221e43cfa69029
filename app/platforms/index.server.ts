/**
 * The app's platform modules, built once per process and handed explicitly to whoever needs them (job handlers,
 * the worker, `npm run sync`, routes through app/platforms.server.ts). Nothing registers itself on import: the list
 * below is the whole wiring, one line per platform.
 *
 * `Platforms` also turns an integration row into what a platform acts with (`contextFor`): credentials and webhook
 * secret opened with the keyring, store calls buffered into the audit trail, new credentials sealed on save.
 */
import { emailDigestKeysFrom } from "../crypto/email-digest.server";
import { keyringFrom } from "../crypto/encryption.server";
import { openCredentials, openWebhookSecret, sealCredentials } from "../crypto/integration-secrets.server";
import type { AppDb } from "../db/client.server";
import type { Env } from "../env.server";
import { AppError } from "../lib/errors";
import type { Logger } from "../lib/logger";
import { UnknownPlatformError } from "../sync/errors";
import type {
  IntegrationRow,
  OpenedPlatformContext,
  PlatformDeps,
  PlatformFactory,
  Platforms,
  StorePlatform,
} from "../sync/platform";
import type { SyncSource } from "../sync/types";
import { createCallAudit } from "./call-audit.server";
import { createShopifyPlatform } from "./shopify/index.server";
import { createWooCommercePlatform } from "./woocommerce/index.server";

/** Every platform module of the app, one factory each. */
export const PLATFORM_FACTORIES: readonly PlatformFactory[] = [
  createShopifyPlatform,
  createWooCommercePlatform,
];

/** A platform module could not be built: the process must not start half-wired. */
export class PlatformSetupError extends AppError {
  constructor(message: string, cause?: unknown) {
    super("platform_setup_failed", message, { cause });
  }
}

export interface BuildPlatformsOptions {
  /** Defaults to PLATFORM_FACTORIES (tests pass their own). */
  factories?: readonly PlatformFactory[];
  /** Store-call audit buffering (see call-audit.server.ts). */
  callAudit?: { maxBufferedCalls?: number; maxBufferAgeMs?: number };
}

/** The platforms of a process without the web app (worker, CLIs): keyring from the environment's keys. */
export function buildPlatformsFromEnv(
  env: Env,
  logger: Logger,
  options: BuildPlatformsOptions = {},
): Platforms {
  return buildPlatforms(
    { env, keyring: keyringFrom(env.ENCRYPTION_KEY, env.ENCRYPTION_KEYS_OLD), logger },
    options,
  );
}

/**
 * Builds every platform module once. Throws PlatformSetupError (one line naming the module and the cause) when a
 * factory fails or two modules claim the same platform name.
 */
export function buildPlatforms(deps: PlatformDeps, options: BuildPlatformsOptions = {}): Platforms {
  const modules = new Map<string, StorePlatform>();
  for (const factory of options.factories ?? PLATFORM_FACTORIES) {
    let module: StorePlatform;
    try {
      module = factory(deps);
    } catch (error) {
      const cause = error instanceof Error ? error.message : String(error);
      throw new PlatformSetupError(
        `Could not set up ${factory.name || "a platform module"}: ${cause}`,
        error,
      );
    }
    if (!module.platform) throw new PlatformSetupError(`${factory.name || "A platform module"} has no name.`);
    if (modules.has(module.platform)) {
      throw new PlatformSetupError(`Two platform modules claim the platform "${module.platform}".`);
    }
    modules.set(module.platform, module);
  }

  function get(platform: string): StorePlatform {
    const module = modules.get(platform);
    if (!module) throw new UnknownPlatformError(platform, [...modules.keys()]);
    return module;
  }

  async function contextFor(db: AppDb, row: IntegrationRow): Promise<OpenedPlatformContext> {
    // A copy: saving credentials updates the context's view without touching the caller's row object.
    const integration: IntegrationRow = { ...row };
    const credentials = integration.credentials
      ? openCredentials(deps.keyring, integration.id, integration.credentials)
      : null;
    const webhookSecret = integration.webhookSecret
      ? openWebhookSecret(deps.keyring, integration.id, integration.webhookSecret)
      : null;
    const audit = createCallAudit({ db, integration, logger: deps.logger, ...options.callAudit });
    const context: OpenedPlatformContext = {
      db,
      integration,
      credentials,
      webhookSecret,
      recordCall: audit.record,
      async saveCredentials(next: unknown) {
        const sealed = sealCredentials(deps.keyring, integration.id, next);
        await db.$transaction([
          db.integration.update({ where: { id: integration.id }, data: { credentials: sealed } }),
          db.auditLog.create({
            data: {
              organizationId: integration.organizationId,
              integrationId: integration.id,
              actor: "system",
              action: "integration.credentials_saved",
              detail: { platform: integration.platform },
            },
          }),
        ]);
        integration.credentials = sealed;
        context.credentials = next;
      },
      close: () => audit.flush(),
    };
    return context;
  }

  async function sourceFor(db: AppDb, integration: IntegrationRow): Promise<SyncSource> {
    const module = get(integration.platform);
    const context = await contextFor(db, integration);
    let source: SyncSource;
    try {
      source = await module.createSource(context);
    } catch (error) {
      await context.close();
      throw error;
    }
    return {
      platform: source.platform,
      readers: source.readers,
      ...(source.count ? { count: source.count.bind(source) } : {}),
      async close() {
        try {
          await source.close?.();
        } finally {
          await context.close();
        }
      },
    };
  }

  return {
    list: () => [...modules.values()],
    has: (platform) => modules.has(platform),
    get,
    contextFor,
    sourceFor,
    emailDigestKeys: emailDigestKeysFrom(deps.keyring),
  };
}
