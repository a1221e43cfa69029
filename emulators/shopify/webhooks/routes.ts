/** Control endpoints for webhooks: /_emulator/webhooks/* and /_emulator/shops/{shop}/uninstall. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorContext } from "../model";

/** Handles the webhook control API. True when answered. */
export async function handleWebhookControlRoute(
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
