/**
 * Platform modules register their sync sources, webhook handlers and credentials decoder when imported. The web
 * app imports them through its routes; processes without routes (the worker, `npm run sync`) import their shared
 * entry point, `app/platforms/index.server.ts`, when it exists.
 */
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

export const PLATFORMS_ENTRY = fileURLToPath(new URL("../platforms/index.server.ts", import.meta.url));

/** Imports the platform entry point; false when there is none (nothing registered). */
export async function loadPlatforms(): Promise<boolean> {
  if (!existsSync(PLATFORMS_ENTRY)) return false;
  await import(/* @vite-ignore */ pathToFileURL(PLATFORMS_ENTRY).href);
  return true;
}
