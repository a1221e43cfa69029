import { isAppError } from "../../lib/errors";

/** The message to show under the shop field for an error raised while starting a login (null: not ours). */
export function loginErrorMessage(error: unknown): { shop?: string } | null {
  if (isAppError(error, "shopify_invalid_shop")) return { shop: error.message };
  return null;
}
