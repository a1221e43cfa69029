/**
 * Registry of sync sources by platform. Platform modules register a factory at import time; the engine and the job
 * handlers ask `sourceFor(db, integration)` and never branch on the platform themselves.
 */
import type { Db } from "../db/client.server";
import type { SyncSource } from "./types";

export interface IntegrationRow {
  id: string;
  organizationId: string;
  platform: string;
  storeKey: string;
  credentials: string | null;
}

export interface SourceFactoryContext {
  db: Db;
  integration: IntegrationRow;
  /** Decrypted credentials JSON (null when the integration stores none). Never log it. */
  credentials: unknown;
}

export type SourceFactory = (ctx: SourceFactoryContext) => SyncSource | Promise<SyncSource>;

/** Credentials decryption is injected so this module stays free of key handling (set by app wiring or tests). */
export type CredentialsDecoder = (encrypted: string) => unknown;

const factories = new Map<string, SourceFactory>();
let decodeCredentials: CredentialsDecoder = (encrypted) => JSON.parse(encrypted) as unknown;

export class UnknownPlatformError extends Error {
  constructor(platform: string) {
    super(
      `No sync source is registered for platform "${platform}". Known platforms: ${
        [...factories.keys()].join(", ") || "none"
      }. Import the platform module (it calls registerSourceFactory) before syncing.`,
    );
    this.name = "UnknownPlatformError";
  }
}

/** Registers (or replaces) the factory building a SyncSource for integrations of `platform`. */
export function registerSourceFactory(platform: string, factory: SourceFactory): void {
  factories.set(platform, factory);
}

/** Removes a registration (tests). */
export function unregisterSourceFactory(platform: string): void {
  factories.delete(platform);
}

/** Sets how `Integration.credentials` is turned into the object handed to factories (e.g. decrypt + JSON.parse). */
export function setCredentialsDecoder(decoder: CredentialsDecoder): void {
  decodeCredentials = decoder;
}

/** Builds the SyncSource for an integration; throws UnknownPlatformError for an unregistered platform. */
export async function sourceFor(db: Db, integration: IntegrationRow): Promise<SyncSource> {
  const factory = factories.get(integration.platform);
  if (!factory) throw new UnknownPlatformError(integration.platform);
  const credentials = integration.credentials ? decodeCredentials(integration.credentials) : null;
  return factory({ db, integration, credentials });
}
