/** The mini Shopify admin: /admin/apps/{handle}, the App Bridge stand-in and session tokens for it. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorContext } from "../model";

/** Handles `/admin/apps/*`, `/_emulator/app-bridge.js` and `/_emulator/session-token`. True when answered. */
export async function handleAdminRoute(
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
