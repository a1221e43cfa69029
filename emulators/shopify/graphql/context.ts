/** What every resolver receives as graphql-js `contextValue`. */
import type { GraphQLSchema } from "graphql";
import type { AccessTokenInfo, EmuShop, EmulatorContext } from "../model";
import type { BulkService } from "./bulk-service";

export interface GqlContext {
  emu: EmulatorContext;
  shop: EmuShop;
  access: AccessTokenInfo;
  /** From the URL, e.g. "2026-10"; drives version-dependent behaviour such as bulk limits (see versions.ts). */
  apiVersion: string;
  /** The vendored schema serving `apiVersion` (the nearest at or below it). */
  schema: GraphQLSchema;
  bulk: BulkService;
  /** Search warnings collected while resolving (returned in `extensions.search`). */
  searchWarnings: Array<{
    path: string[];
    query: string;
    warnings: Array<{ field: string; message: string }>;
  }>;
}

/** write_x implies read_x, as on Shopify. */
export function hasScope(access: AccessTokenInfo, scope: string): boolean {
  if (access.scopes.includes(scope)) return true;
  if (scope.startsWith("read_")) return access.scopes.includes(`write_${scope.slice(5)}`);
  return false;
}

const DAY_MS = 86_400_000;

/** Orders older than 60 days need read_all_orders (Shopify silently hides them otherwise). */
export function orderVisible(ctx: GqlContext, createdAt: Date): boolean {
  if (hasScope(ctx.access, "read_all_orders")) return true;
  return createdAt.getTime() >= ctx.emu.now().getTime() - 60 * DAY_MS;
}
