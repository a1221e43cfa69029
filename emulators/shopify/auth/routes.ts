/** OAuth routes of the emulated Shopify: /admin/oauth/authorize and /admin/oauth/access_token. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorContext } from "../model";

/**
 * Handles `/admin/oauth/*`. Returns true when the request was answered (it reads the body itself).
 */
export async function handleAuthRoute(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  void ctx;
  void req;
  void res;
  void url;
  return false;
}
