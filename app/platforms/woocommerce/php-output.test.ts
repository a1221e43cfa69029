/**
 * Answers of WordPress sites that print PHP messages into REST answers (display_errors / WP_DEBUG_DISPLAY on): the
 * JSON after the messages is read, and nothing else is ever read as data. The prefixes are PHP 8's own formats
 * (main.c php_error_cb) and Xdebug's (its HTML table; html_errors off, its text `Call Stack:`, and the `PHP Stack
 * trace:` of PHP's log), with messages real plugins and WordPress 6.7+ print.
 */
import { describe, expect, it } from "vitest";
import { parseJsonLossless } from "../../lib/json-lossless";
import { readStoreBody } from "./php-output";

const ORDERS =
  '[{"id":101,"status":"processing","total":"29.99"},{"id":102,"status":"completed","total":"5.00"}]';

/** PHP 8.2's deprecation of a plugin's dynamic property, as html_errors prints it. */
const HTML_DEPRECATED =
  "<br />\n<b>Deprecated</b>:  Creation of dynamic property WC_Legacy_Shipping::$zones is deprecated in " +
  "<b>/var/www/vhosts/shop.example.com/httpdocs/wp-content/plugins/legacy-shipping/includes/class-legacy.php</b> " +
  "on line <b>48</b><br />\n";

/** WordPress 6.7's notice for a plugin loading its translations too early (its message holds HTML of its own). */
const HTML_TEXTDOMAIN_NOTICE =
  "<br />\n<b>Notice</b>:  Function _load_textdomain_just_in_time was called <strong>incorrectly</strong>. " +
  "Translation loading for the <code>woo-gift-cards</code> domain was triggered too early. This is usually an " +
  "indicator for some code in the plugin or theme running too early. Translations should be loaded at the " +
  '<code>init</code> action or later. Please see <a href="https://developer.wordpress.org/advanced-administration/' +
  'debug/debug-wordpress/">Debugging in WordPress</a> for more information. (This message was added in version ' +
  "6.7.0.) in <b>/var/www/html/wp-includes/functions.php</b> on line <b>6114</b><br />\n";

/** What follows the first message when nothing buffers the output: WordPress can no longer send its headers. */
const HTML_HEADERS_SENT =
  "<br />\n<b>Warning</b>:  Cannot modify header information - headers already sent by (output started at " +
  "/var/www/html/wp-includes/functions.php:6114) in <b>/var/www/html/wp-includes/rest-api/class-wp-rest-server.php" +
  "</b> on line <b>1902</b><br />\n";

const HTML_FATAL =
  "<br />\n<b>Fatal error</b>:  Uncaught Error: Call to undefined function wc_get_legacy_order() in " +
  "/var/www/html/wp-content/plugins/old-invoices/old-invoices.php:88\nStack trace:\n" +
  "#0 /var/www/html/wp-includes/class-wp-hook.php(324): old_invoices_init('')\n#1 {main}\n  thrown in " +
  "<b>/var/www/html/wp-content/plugins/old-invoices/old-invoices.php</b> on line <b>88</b><br />\n";

/** WordPress's own answer for a REST request that hit a fatal error (WP_Fatal_Error_Handler, wp_die as JSON). */
const WP_CRITICAL_ERROR_JSON =
  '{"code":"internal_server_error","message":"<p>There has been a critical error on this website.<\\/p>",' +
  '"data":{"status":500},"additional_errors":[]}';

const LOGIN_PAGE =
  '<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta http-equiv="Content-Type" content="text/html; ' +
  'charset=UTF-8" />\n<title>Log In &lsaquo; Example Shop &#8212; WordPress</title>\n</head>\n' +
  '<body class="login no-js login-action-login wp-core-ui"><form name="loginform" id="loginform" ' +
  'action="https://shop.example.com/wp-login.php" method="post"><input type="text" name="log" id="user_login" />' +
  "</form></body>\n</html>\n";

/**
 * Xdebug 3 with html_errors off (text mode, as on many local and staging sites): a blank line, the message, then
 * `\nCall Stack:\n` and a line per frame (`%10.4F %10ld %3d. function(args) file:line`), then a blank line.
 */
const XDEBUG_TEXT_WARNING =
  '\nWarning: Undefined array key "shipping_zone" in ' +
  "/var/www/html/wp-content/plugins/legacy-shipping/includes/class-legacy.php on line 48\n" +
  "\nCall Stack:\n" +
  "    0.0002     398480   1. {main}() /var/www/html/index.php:0\n" +
  "    0.0003     398832   2. require('/var/www/html/wp-blog-header.php') /var/www/html/index.php:17\n" +
  "    0.0521    4561234   3. wp($query_vars = '') /var/www/html/wp-blog-header.php:16\n" +
  "    0.0523    4563784   4. WP->parse_request($extra_query_vars = '') /var/www/html/wp-includes/class-wp.php:808\n" +
  "    0.0524    4563784   5. do_action_ref_array($hook_name = 'parse_request', $args = [0 => class WP { " +
  "public $public_query_vars = [...]; public $query_vars = [...] }]) /var/www/html/wp-includes/class-wp.php:416\n" +
  "    0.0611    5012448   6. WP_REST_Server->serve_request($path = '/wc/v3/orders') " +
  "/var/www/html/wp-includes/rest-api.php:428\n" +
  "    0.0702    5623176   7. Legacy_Shipping->zone_for($order = class WC_Order { protected $id = 101 }) " +
  "/var/www/html/wp-content/plugins/legacy-shipping/includes/class-legacy.php:31\n" +
  "\n";

/** Xdebug's message and stack as PHP's log writes them (`log_errors` on, the log going where the answer goes). */
const XDEBUG_LOGGED_WARNING =
  'PHP Warning:  Undefined array key "shipping_zone" in ' +
  "/var/www/html/wp-content/plugins/legacy-shipping/includes/class-legacy.php on line 48\n" +
  "PHP Stack trace:\n" +
  "PHP   1. {main}() /var/www/html/index.php:0\n" +
  "PHP   2. require() /var/www/html/index.php:17\n" +
  "PHP   3. wp($query_vars = '') /var/www/html/wp-blog-header.php:16\n" +
  "PHP   4. Legacy_Shipping->zone_for($order = class WC_Order { protected $id = 101 }) " +
  "/var/www/html/wp-content/plugins/legacy-shipping/includes/class-legacy.php:31\n";

describe("readStoreBody", () => {
  it("GIVEN a notice printed as HTML before a list WHEN read THEN the list is read and the notice named", () => {
    const body = readStoreBody(`${HTML_DEPRECATED}${ORDERS}`);
    expect(body).toEqual({
      kind: "json",
      value: JSON.parse(ORDERS),
      printed: [
        {
          text:
            "Deprecated: Creation of dynamic property WC_Legacy_Shipping::$zones is deprecated in " +
            "wp-content/plugins/legacy-shipping/includes/class-legacy.php on line 48",
          fatal: false,
        },
      ],
    });
  });

  it("GIVEN a long notice with an emoji where it is cut WHEN read THEN the shortened text holds no half of it", () => {
    // 198 characters before the emoji: a cut at 199 would keep only its first half (a lone surrogate).
    const said = `Warning: ${"x".repeat(189)}\u{1F6D2} cart plugin failed in /var/www/html/wp-content/plugins/cart/cart.php on line 9`;
    const body = readStoreBody(`\n${said}\n{"id":7}`);
    expect(body.kind).toBe("json");
    const text = body.printed[0].text;
    expect(text).toBe(`Warning: ${"x".repeat(189)}…`);
    expect(text.length).toBeLessThanOrEqual(200);
    expect(/[\uD800-\uDFFF]/.test(text)).toBe(false);
  });

  it("GIVEN plain-text notices (html_errors off, and as logged with 'PHP ') WHEN read THEN the JSON after them is read", () => {
    const text =
      '\nWarning: Undefined array key "tab" in /var/www/html/wp-content/plugins/shop-tabs/admin.php on line 31\n' +
      "PHP Notice:  Undefined index: shipping_zone in " +
      "/home/shop/public_html/wp-content/themes/storefront-child/functions.php on line 212\n" +
      '{"id":7,"email":"ada@example.com"}';
    const body = readStoreBody(text);
    expect(body.kind).toBe("json");
    expect(body.kind === "json" && body.value).toEqual({ id: 7, email: "ada@example.com" });
    expect(body.printed.map((m) => m.text)).toEqual([
      'Warning: Undefined array key "tab" in wp-content/plugins/shop-tabs/admin.php on line 31',
      "Notice: Undefined index: shipping_zone in wp-content/themes/storefront-child/functions.php on line 212",
    ]);
  });

  it("GIVEN several notices and the warnings they cause WHEN read THEN each is named in order, tags and links gone", () => {
    const body = readStoreBody(`${HTML_TEXTDOMAIN_NOTICE}${HTML_HEADERS_SENT}${HTML_HEADERS_SENT}${ORDERS}`);
    expect(body.kind).toBe("json");
    expect(body.kind === "json" && body.value).toEqual(JSON.parse(ORDERS));
    expect(body.printed).toHaveLength(3);
    expect(body.printed[0].text).toMatch(
      /^Notice: Function _load_textdomain_just_in_time was called incorrectly\. Translation loading for the woo-gift-cards domain/,
    );
    expect(body.printed[0].text.length).toBeLessThanOrEqual(200);
    expect(body.printed[1].text).toBe(
      "Warning: Cannot modify header information - headers already sent by (output started at " +
        "wp-includes/functions.php:6114) in wp-includes/rest-api/class-wp-rest-server.php on line 1902",
    );
  });

  it("GIVEN BOMs of included files and a notice before the JSON WHEN read THEN the JSON is read", () => {
    const body = readStoreBody(`\uFEFF\uFEFF${HTML_DEPRECATED}${ORDERS}`);
    expect(body.kind).toBe("json");
    expect(body.kind === "json" && body.value).toEqual(JSON.parse(ORDERS));
    expect(body.printed).toHaveLength(1);
  });

  it("GIVEN only a BOM before the JSON WHEN read THEN the JSON is read with no message", () => {
    expect(readStoreBody(`\uFEFF${ORDERS}`)).toEqual({
      kind: "json",
      value: JSON.parse(ORDERS),
      printed: [],
    });
  });

  it("GIVEN a WordPress database error holding brackets before the JSON WHEN read THEN the JSON is read", () => {
    const text =
      '<div id="error"><p class="wpdberror"><strong>WordPress database error:</strong> [Table ' +
      "'shop.wp_wc_legacy_rates' doesn't exist]<br /><code>SELECT rate FROM wp_wc_legacy_rates WHERE id = 3</code></p></div>" +
      ORDERS;
    const body = readStoreBody(text);
    expect(body.kind).toBe("json");
    expect(body.kind === "json" && body.value).toEqual(JSON.parse(ORDERS));
    expect(body.printed[0].text).toBe(
      "WordPress database error: [Table 'shop.wp_wc_legacy_rates' doesn't exist]",
    );
  });

  it("GIVEN Xdebug's message tables (their call stacks hold {main} and [...]) around the JSON WHEN read THEN the JSON is read", () => {
    // As Xdebug 3 prints them with html_errors on (src/develop/stack.c html_formats): heading, column headings, a row
    // per frame (arguments in spans, the location's title the full path).
    const table = (level: string, message: string, frames: string[]) =>
      `<br />\n<font size='1'><table class='xdebug-error xe-${level.toLowerCase()}' dir='ltr' border='1' ` +
      "cellspacing='0' cellpadding='1'>\n<tr><th align='left' bgcolor='#f57900' colspan=\"5\"><span " +
      `style='background-color: #cc0000; color: #fce94f; font-size: x-large;'>( ! )</span> ${level}: ${message}` +
      "</th></tr>\n<tr><th align='left' bgcolor='#e9b96e' colspan='5'>Call Stack</th></tr>\n<tr><th " +
      "align='center' bgcolor='#eeeeec'>#</th><th align='left' bgcolor='#eeeeec'>Time</th><th align='left' " +
      "bgcolor='#eeeeec'>Memory</th><th align='left' bgcolor='#eeeeec'>Function</th><th align='left' " +
      "bgcolor='#eeeeec'>Location</th></tr>\n" +
      frames
        .map(
          (frame, i) =>
            `<tr><td bgcolor='#eeeeec' align='center'>${i + 1}</td><td bgcolor='#eeeeec' align='center'>0.0${i}02` +
            `</td><td bgcolor='#eeeeec' align='right'>39848${i}</td><td bgcolor='#eeeeec'>${frame}</td></tr>\n`,
        )
        .join("") +
      "</table></font>\n";
    const location = (path: string, line: number) =>
      `</td><td title='/var/www/html/${path}' bgcolor='#eeeeec'>.../${path.split("/").pop()}<b>:</b>${line}`;
    const text =
      table(
        "Warning",
        "Undefined variable $rate in /var/www/html/wp-content/plugins/rates/rates.php on line <i>12</i>",
        [
          `{main}(  )${location("index.php", 0)}`,
          `require( <font color='#00bb00'>'/var/www/html/wp-blog-header.php</font> )${location("index.php", 17)}`,
          "do_action_ref_array( <span>$hook_name = </span><span>&#39;parse_request&#39;</span>, <span>$args = " +
            `</span><span>[0 =&gt; class WP { public $query_vars = [...] }]</span> )${location("wp-includes/class-wp.php", 416)}`,
        ],
      ) +
      ORDERS +
      table(
        "Notice",
        "ob_end_flush(): Failed to send buffer of zlib output compression (0) in " +
          "/var/www/html/wp-includes/functions.php on line <i>5464</i>",
        [
          `WP_Hook->do_action( <span>$args = </span><span>[0 =&gt; &#39;&#39;]</span> )${location("wp-includes/plugin.php", 517)}`,
          `ob_end_flush(  )${location("wp-includes/functions.php", 5464)}`,
        ],
      );
    const body = readStoreBody(text);
    expect(body.kind).toBe("json");
    expect(body.kind === "json" && body.value).toEqual(JSON.parse(ORDERS));
    expect(body.printed.map((m) => m.text)).toEqual([
      "Warning: Undefined variable $rate in wp-content/plugins/rates/rates.php on line 12",
      "Notice: ob_end_flush(): Failed to send buffer of zlib output compression (0) in wp-includes/functions.php on line 5464",
    ]);
  });

  it("GIVEN Xdebug's text notices with their call stacks (html_errors off) WHEN read THEN the JSON after them is read", () => {
    const headersSent =
      "\nWarning: Cannot modify header information - headers already sent by (output started at " +
      "/var/www/html/wp-content/plugins/legacy-shipping/includes/class-legacy.php:48) in " +
      "/var/www/html/wp-includes/rest-api/class-wp-rest-server.php on line 1902\n\nCall Stack:\n" +
      "    0.0002     398480   1. {main}() /var/www/html/index.php:0\n" +
      "    0.0811    5710032   2. WP_REST_Server->send_header($key = 'X-WP-Total', $value = '140') " +
      "/var/www/html/wp-includes/rest-api/class-wp-rest-server.php:1902\n" +
      "    0.0811    5710032   3. header($header = 'X-WP-Total: 140', $replace = TRUE) " +
      "/var/www/html/wp-includes/rest-api/class-wp-rest-server.php:1902\n\n";
    const body = readStoreBody(`${XDEBUG_TEXT_WARNING}${headersSent}${ORDERS}`);
    expect(body.kind).toBe("json");
    expect(body.kind === "json" && body.value).toEqual(JSON.parse(ORDERS));
    expect(body.printed).toHaveLength(2);
    expect(body.printed[0]).toEqual({
      text:
        'Warning: Undefined array key "shipping_zone" in ' +
        "wp-content/plugins/legacy-shipping/includes/class-legacy.php on line 48",
      fatal: false,
    });
    expect(body.printed[1].text).toMatch(
      /^Warning: Cannot modify header information - headers already sent by \(output started at wp-content\//,
    );
    // A call stack belongs to the message before it: alone, or before a page, it is not read past.
    const stackAlone = XDEBUG_TEXT_WARNING.slice(XDEBUG_TEXT_WARNING.indexOf("\nCall Stack:"));
    expect(readStoreBody(`${stackAlone}${ORDERS}`)).toEqual({ kind: "text", printed: [] });
    expect(
      readStoreBody(`${XDEBUG_TEXT_WARNING}<!DOCTYPE html><html><body>Not found</body></html>`).kind,
    ).toBe("text");
  });

  it("GIVEN Xdebug's stack as PHP logs it (PHP Stack trace:) WHEN read THEN the JSON after it is read", () => {
    const body = readStoreBody(
      `${XDEBUG_LOGGED_WARNING}${XDEBUG_TEXT_WARNING}{"id":7,"email":"ada@example.com"}`,
    );
    expect(body.kind).toBe("json");
    expect(body.kind === "json" && body.value).toEqual({ id: 7, email: "ada@example.com" });
    expect(body.printed.map((m) => m.text)).toEqual([
      'Warning: Undefined array key "shipping_zone" in wp-content/plugins/legacy-shipping/includes/class-legacy.php on line 48',
      'Warning: Undefined array key "shipping_zone" in wp-content/plugins/legacy-shipping/includes/class-legacy.php on line 48',
    ]);
  });

  it("GIVEN Xdebug's text notice with its stack printed at shutdown, after the JSON WHEN read THEN the JSON is read", () => {
    const shutdown =
      "\nNotice: ob_end_flush(): Failed to send buffer of zlib output compression (0) in " +
      "/var/www/html/wp-includes/functions.php on line 5464\n\nCall Stack:\n" +
      "    0.2101    4563784   1. shutdown_action_hook() /var/www/html/wp-includes/load.php:0\n" +
      "    0.2101    4563784   2. do_action($hook_name = 'shutdown') /var/www/html/wp-includes/load.php:1280\n" +
      "    0.2101    4563784   3. WP_Hook->do_action($args = [0 => '']) /var/www/html/wp-includes/plugin.php:517\n" +
      "    0.2102    4563784   4. WP_Hook->apply_filters($value = '', $args = [0 => '']) " +
      "/var/www/html/wp-includes/class-wp-hook.php:348\n" +
      "    0.2102    4563784   5. wp_ob_end_flush_all('') /var/www/html/wp-includes/class-wp-hook.php:324\n" +
      "    0.2102    4563808   6. ob_end_flush() /var/www/html/wp-includes/functions.php:5464\n\n";
    const body = readStoreBody(`${ORDERS}${shutdown}`);
    expect(body.kind).toBe("json");
    expect(body.kind === "json" && body.value).toEqual(JSON.parse(ORDERS));
    expect(body.printed.map((m) => m.text)).toEqual([
      "Notice: ob_end_flush(): Failed to send buffer of zlib output compression (0) in wp-includes/functions.php on line 5464",
    ]);
  });

  it("GIVEN a notice printed at shutdown, after the JSON WHEN read THEN the JSON is read", () => {
    const text =
      `${ORDERS}<br />\n<b>Notice</b>:  ob_end_flush(): Failed to send buffer of zlib output compression (0) in ` +
      "<b>/var/www/html/wp-includes/functions.php</b> on line <b>5464</b><br />\n";
    const body = readStoreBody(text);
    expect(body.kind).toBe("json");
    expect(body.kind === "json" && body.value).toEqual(JSON.parse(ORDERS));
    expect(body.printed[0].text).toMatch(/^Notice: ob_end_flush\(\)/);
  });

  it("GIVEN ids above 2^53 after a notice WHEN read THEN they arrive as exact strings", () => {
    const body = readStoreBody(
      `${HTML_DEPRECATED}[{"id":9007199254740993,"customer_id":18446744073709551615}]`,
    );
    expect(body.kind === "json" && body.value).toEqual([
      { id: "9007199254740993", customer_id: "18446744073709551615" },
    ]);
  });

  it("GIVEN a fatal error and nothing after it WHEN read THEN it is a PHP error quoting its first line, short path", () => {
    expect(readStoreBody(HTML_FATAL)).toEqual({
      kind: "php_error",
      printed: [
        {
          text:
            "Fatal error: Uncaught Error: Call to undefined function wc_get_legacy_order() in " +
            "wp-content/plugins/old-invoices/old-invoices.php:88",
          fatal: true,
        },
      ],
    });
  });

  it("GIVEN a fatal error and WordPress's critical-error JSON after it WHEN read THEN it is a PHP error, not data", () => {
    const body = readStoreBody(`${HTML_DEPRECATED}${HTML_FATAL}${WP_CRITICAL_ERROR_JSON}`);
    expect(body.kind).toBe("php_error");
    expect(body.printed.map((m) => m.fatal)).toEqual([false, true]);
  });

  it("GIVEN a plain-text fatal error outside WordPress's folders WHEN read THEN a long path is cut to its last parts", () => {
    const body = readStoreBody(
      "PHP Fatal error:  Allowed memory size of 134217728 bytes exhausted (tried to allocate 20480 bytes) in " +
        "/opt/bitnami/apps/shared/php-libraries/vendor/guzzle/src/Handler/CurlFactory.php on line 591\n",
    );
    expect(body).toEqual({
      kind: "php_error",
      printed: [
        {
          text:
            "Fatal error: Allowed memory size of 134217728 bytes exhausted (tried to allocate 20480 bytes) in " +
            "…/Handler/CurlFactory.php on line 591",
          fatal: true,
        },
      ],
    });
  });

  it("GIVEN WordPress's login page WHEN read THEN it is text, nothing read as data", () => {
    expect(readStoreBody(LOGIN_PAGE)).toEqual({ kind: "text", printed: [] });
  });

  it("GIVEN a notice then a theme's 404 page WHEN read THEN it is text (the page), with the notice seen", () => {
    const body = readStoreBody(
      `${HTML_DEPRECATED}<!DOCTYPE html><html><body><h1>Page not found</h1></body></html>`,
    );
    expect(body.kind).toBe("text");
    expect(body.printed).toHaveLength(1);
  });

  it("GIVEN something else printed before the JSON (a plugin's echo, a bare <br />) WHEN read THEN it is text", () => {
    expect(readStoreBody(`debug: here${ORDERS}`)).toEqual({ kind: "text", printed: [] });
    expect(readStoreBody(`<br />\n${ORDERS}`)).toEqual({ kind: "text", printed: [] });
  });

  it("GIVEN a notice then a list cut short WHEN read THEN it is text, never the list's last object alone", () => {
    const body = readStoreBody(`${HTML_DEPRECATED}[{"id":101,"status":"processing"},{"id":102}`);
    expect(body.kind).toBe("text");
    expect(body.printed).toHaveLength(1);
  });

  it("GIVEN JSON bodies starting with [ or { WHEN read THEN they are read exactly as parseJsonLossless reads them", () => {
    for (const text of [ORDERS, '{"environment":{"version":"11.0.1"}}', "[]", ' \n{"id":9007199254740993}']) {
      expect(readStoreBody(text)).toEqual({ kind: "json", value: parseJsonLossless(text), printed: [] });
    }
  });

  it("GIVEN a JSON string holding PHP's notice markup WHEN read THEN the value is not altered", () => {
    const text =
      '[{"id":5,"name":"<br />\\n<b>Notice</b>:  Undefined index in <b>/x.php</b> on line <b>1</b><br />",' +
      '"description":"<b>Warning</b>: fragile"}]';
    expect(readStoreBody(text)).toEqual({ kind: "json", value: JSON.parse(text), printed: [] });
  });

  it("GIVEN an empty body WHEN read THEN it is text", () => {
    expect(readStoreBody("")).toEqual({ kind: "text", printed: [] });
  });
});
