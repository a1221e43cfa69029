/**
 * A stand-in WooCommerce site on loopback for the REST client's tests: a plain `node:http` server answering as the
 * test needs (a body PHP printed into, a plugin's object, 64-bit ids in the JSON text), and clients for it — any key
 * (the server checks none), one attempt each, private addresses allowed.
 */
import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { createAddressPolicy } from "../../../lib/network-guard.server";
import { WooClient, createWooAgents, type WooAgents } from "../client.server";

export interface LoopbackStore {
  url: string;
  agents: WooAgents;
  /** A new client of the store (its own tally of PHP output). */
  client(): WooClient;
  close(): Promise<void>;
}

/** WordPress's answer for a path no route serves. */
export const NO_ROUTE = `{"code":"rest_no_route","message":"No route.","data":{"status":404}}`;

export async function startLoopbackStore(listener: RequestListener): Promise<LoopbackStore> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const agents = createWooAgents(createAddressPolicy({ allowPrivate: true }));
  return {
    url,
    agents,
    client: () =>
      new WooClient({
        storeUrl: url,
        consumerKey: "ck_0123456789abcdef0123456789abcdef01234567",
        consumerSecret: "cs_0123456789abcdef0123456789abcdef01234567",
        agents,
        retry: { maxAttempts: 1 },
      }),
    async close() {
      agents.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
