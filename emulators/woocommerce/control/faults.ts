/**
 * Injected faults for REST, `/wc-auth/` and `/` requests (never `/_emulator/`): 4xx/5xx bursts with Retry-After,
 * slow answers, answers that never come, PHP notices printed before the JSON, and a site that is not WooCommerce at
 * all.
 */
import http from "node:http";
import { sendHtml } from "../../shared/http";
import { printBeforeAnswer, sendRest } from "../http/rest-response";
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
  | {
      /** PHP prints a notice into the REST answer before WordPress's JSON (display_errors / WP_DEBUG_DISPLAY on). */
      type: "php-notice";
      /** PHP's html_errors on (default: `<br />\n<b>Notice</b>: …`) or off (`\nDeprecated: … on line 48\n`). */
      format?: "html" | "text";
      /**
       * No output buffering: the notice goes out before WordPress's headers, so the answer is 200 text/html without
       * WordPress's headers (no X-WP-Total, no Link), whatever the status, with PHP's "headers already sent" warning.
       */
      unbuffered?: boolean;
      count?: number;
      persistent?: boolean;
      pathPrefix?: string;
    }
  | { type: "not-woocommerce"; status?: number };

/** A bad control request (answered 400 with the message). */
export class ControlError extends Error {}

const WORDPRESS_CRITICAL_ERROR =
  '<p>There has been a critical error on this website.</p><p><a href="https://wordpress.org/documentation/article/faq-troubleshooting/">Learn more about troubleshooting WordPress.</a></p>';

/**
 * What WordPress 6.7+ prints on many real stores with WP_DEBUG_DISPLAY on (a plugin loading its translations too
 * early), as PHP 8 writes a notice with html_errors on: the message keeps WordPress's own tags.
 */
const HTML_NOTICE =
  "<br />\n<b>Notice</b>:  Function _load_textdomain_just_in_time was called <strong>incorrectly</strong>. " +
  "Translation loading for the <code>emulated-gift-cards</code> domain was triggered too early. This is usually an " +
  "indicator for some code in the plugin or theme running too early. Translations should be loaded at the " +
  '<code>init</code> action or later. Please see <a href="https://developer.wordpress.org/advanced-administration/' +
  'debug/debug-wordpress/">Debugging in WordPress</a> for more information. (This message was added in version ' +
  "6.7.0.) in <b>/var/www/html/wp-includes/functions.php</b> on line <b>6121</b><br />\n";

/** A PHP 8.2 deprecation from a plugin, as PHP writes it with html_errors off. */
const TEXT_NOTICE =
  "\nDeprecated: Creation of dynamic property Emulated_Legacy_Shipping::$zones is deprecated in " +
  "/var/www/html/wp-content/plugins/emulated-legacy-shipping/includes/class-legacy.php on line 48\n";

/** PHP's warning when WordPress sends its headers after output went out (one for its first header call). */
const HTML_HEADERS_SENT =
  "<br />\n<b>Warning</b>:  Cannot modify header information - headers already sent by (output started at " +
  "/var/www/html/wp-includes/functions.php:6121) in <b>/var/www/html/wp-includes/rest-api/class-wp-rest-server.php" +
  "</b> on line <b>1902</b><br />\n";
const TEXT_HEADERS_SENT =
  "\nWarning: Cannot modify header information - headers already sent by (output started at " +
  "/var/www/html/wp-content/plugins/emulated-legacy-shipping/includes/class-legacy.php:48) in " +
  "/var/www/html/wp-includes/rest-api/class-wp-rest-server.php on line 1902\n";

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
    case "php-notice":
      printBeforeAnswer(res, {
        text: fault.format === "text" ? TEXT_NOTICE : HTML_NOTICE,
        unbuffered: fault.unbuffered === true,
        headersSentWarning: fault.format === "text" ? TEXT_HEADERS_SENT : HTML_HEADERS_SENT,
      });
      return false;
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
    case "php-notice": {
      const format = body.format === undefined ? undefined : String(body.format);
      if (format !== undefined && format !== "html" && format !== "text")
        throw new ControlError('php-notice faults take format "html" or "text"');
      return { type, format, unbuffered: body.unbuffered === true, count, persistent, pathPrefix };
    }
    case "not-woocommerce":
      return { type, status: body.status === undefined ? undefined : Number(body.status) };
    default:
      throw new ControlError('type must be "error", "slow", "timeout", "php-notice" or "not-woocommerce"');
  }
}
