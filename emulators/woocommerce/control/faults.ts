/**
 * Injected faults for REST, `/wc-auth/` and `/` requests (never `/_emulator/`): 4xx/5xx bursts with Retry-After,
 * slow answers, answers that never come, and a site that is not WooCommerce at all.
 */
import http from "node:http";
import { sendHtml } from "../../shared/http";
import { sendRest } from "../http/rest-response";
import { plainSiteHtml } from "../http/pages";

export type Fault =
  | {
      type: "error";
      status: number;
      count?: number;
      persistent?: boolean;
      retryAfterSeconds?: number;
      pathPrefix?: string;
    }
  | { type: "slow"; delayMs: number; count?: number; persistent?: boolean; pathPrefix?: string }
  | { type: "timeout"; count?: number; persistent?: boolean; pathPrefix?: string }
  | { type: "not-woocommerce"; status?: number };

/** A bad control request (answered 400 with the message). */
export class ControlError extends Error {}

const WORDPRESS_CRITICAL_ERROR =
  '<p>There has been a critical error on this website.</p><p><a href="https://wordpress.org/documentation/article/faq-troubleshooting/">Learn more about troubleshooting WordPress.</a></p>';

export class FaultInjector {
  private faults: (Fault & { remaining: number })[] = [];

  list(): Fault[] {
    return this.faults;
  }

  add(fault: Fault): void {
    this.faults.push({
      ...fault,
      remaining: "count" in fault && fault.count !== undefined ? fault.count : 1,
    });
  }

  clear(): void {
    this.faults = [];
  }

  /** Takes the first fault that applies to the path, counting it down. */
  take(path: string): Fault | null {
    for (const fault of this.faults) {
      if (fault.type === "not-woocommerce") return fault;
      if (fault.pathPrefix && !path.startsWith(fault.pathPrefix)) continue;
      if (!fault.persistent) fault.remaining--;
      this.faults = this.faults.filter(
        (f) => f.type === "not-woocommerce" || f.persistent || f.remaining > 0,
      );
      return fault;
    }
    return null;
  }
}

/** Plays a fault; resolves true when it answered (or swallowed) the request, false when the request goes on. */
export async function applyFault(fault: Fault, res: http.ServerResponse, siteUrl: string): Promise<boolean> {
  switch (fault.type) {
    case "not-woocommerce":
      sendHtml(res, fault.status ?? 200, plainSiteHtml());
      return true;
    case "slow":
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      return false;
    case "timeout":
      // Never answer; the socket is released when the client gives up or the emulator closes.
      return true;
    case "error": {
      const headers: Record<string, string> = {};
      if (fault.retryAfterSeconds !== undefined) headers["Retry-After"] = String(fault.retryAfterSeconds);
      if (fault.status === 500) {
        const body = {
          code: "internal_server_error",
          message: WORDPRESS_CRITICAL_ERROR,
          data: { status: 500 },
          additional_errors: [],
        };
        sendRest(res, siteUrl, { status: 500, body, headers });
      } else {
        const title = `${fault.status} ${http.STATUS_CODES[fault.status] ?? "Error"}`;
        sendHtml(
          res,
          fault.status,
          `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
          headers,
        );
      }
      return true;
    }
  }
}

/** Validates a fault posted to `/_emulator/faults`. */
export function parseFault(body: Record<string, unknown>): Fault {
  const type = String(body.type);
  const count = body.count === undefined ? undefined : Number(body.count);
  const persistent = body.persistent === true;
  const pathPrefix = body.pathPrefix === undefined ? undefined : String(body.pathPrefix);
  switch (type) {
    case "error": {
      const status = Number(body.status);
      if (!Number.isInteger(status) || status < 400 || status > 599)
        throw new ControlError("error faults need a 4xx/5xx status");
      const retryAfterSeconds =
        body.retryAfterSeconds === undefined ? undefined : Number(body.retryAfterSeconds);
      return { type, status, count, persistent, retryAfterSeconds, pathPrefix };
    }
    case "slow":
      return { type, delayMs: Number(body.delayMs ?? 1000), count, persistent, pathPrefix };
    case "timeout":
      return { type, count, persistent, pathPrefix };
    case "not-woocommerce":
      return { type, status: body.status === undefined ? undefined : Number(body.status) };
    default:
      throw new ControlError('type must be "error", "slow", "timeout" or "not-woocommerce"');
  }
}
