/**
 * Reading a WooCommerce answer whose body PHP wrote into before WordPress wrote its JSON. With `display_errors` /
 * `WP_DEBUG_DISPLAY` on, PHP prints every notice, warning and deprecation into the answer as it happens — before
 * the REST server echoes its JSON — as HTML (`<br />\n<b>Notice</b>:  … in <b>/path/file.php</b> on line
 * <b>12</b><br />\n`) or as text (`\nNotice: … on line 12\n`, `PHP Notice:  …` when logged to the output), with
 * Xdebug's table form (or, html_errors off, its `Call Stack:` lines after the message), WordPress's own database
 * errors (`<div id="error"><p class="wpdberror">…`) and the UTF-8 BOMs of PHP files saved with one. The JSON after
 * such a prefix is whole; only the prefix is in the way.
 *
 * The prefix is taken apart message by message, from the first byte: anything that is not PHP's or WordPress's
 * output stops it, and what follows must then be one JSON object or array to the end of the body (or to PHP output
 * printed at shutdown, after the JSON, read the same way). So a web page (a login page, a 404 page, a cache's page)
 * is never read as data, a JSON body is never altered (it parses as it is, before any of this), and a list cut short
 * cannot be read from one of its inner objects. A fatal error (PHP stopped; WordPress's shutdown handler may still
 * print its "critical error" JSON after it, with status 200 since the headers went out with the message) is a
 * failure whatever else the body holds. Pure. ADR 0058.
 */
import { parseJsonLossless } from "../../lib/json-lossless";
import { sliceWhole } from "../../lib/text";

/** One message PHP (or WordPress) printed into an answer. */
export interface PhpMessage {
  /** Its first line as a person reads it: tags and entities gone, server paths shortened, at most ~200 characters. */
  text: string;
  /** PHP stopped there (Fatal error, Parse error, …): nothing after it is the answer that was asked for. */
  fatal: boolean;
}

/** What a store's answer body holds. */
export type StoreBody =
  /** JSON (ids above 2^53 as exact strings), after `printed` (empty when the body was JSON from its first byte). */
  | { kind: "json"; value: unknown; printed: PhpMessage[] }
  /** PHP stopped with a fatal error: the answer asked for never came. */
  | { kind: "php_error"; printed: PhpMessage[] }
  /** Not JSON (a web page, empty, JSON cut short…); `printed` holds PHP messages seen before it, if any. */
  | { kind: "text"; printed: PhpMessage[] };

/** PHP's names for error levels (main.c `error_type_str`, plus PHP 5's "Catchable fatal error"). */
const LEVEL = String.raw`(Fatal error|Recoverable fatal error|Catchable fatal error|Parse error|Warning|Notice|Deprecated|Strict Standards|Unknown error)`;
const FATAL = /^(Fatal error|Recoverable fatal error|Catchable fatal error|Parse error)$/;
/** The longest message read (an uncaught exception's stack trace is part of it); longer is not a PHP message. */
const MAX_MESSAGE = 20_000;

/** `<b>Notice</b>:  message in <b>/path/file.php</b> on line <b>12</b>` (html_errors on, PHP's default). */
const HTML_MESSAGE = new RegExp(
  String.raw`<b>${LEVEL}</b>:[ \t]*([\s\S]{0,${MAX_MESSAGE}}?) on line <b>(\d+)</b>`,
  "y",
);
/** `Notice: message in /path/file.php on line 12` (html_errors off), or `PHP Notice:  …` as logged. */
const TEXT_MESSAGE = new RegExp(
  String.raw`(?:PHP )?${LEVEL}:[ \t]+([\s\S]{0,${MAX_MESSAGE}}?) on line (\d+)(?=[ \t]*(?:\r?\n|<br|$))`,
  "y",
);
/**
 * The call stack Xdebug prints after a text message (html_errors off): `\nCall Stack:\n`, then a line per frame
 * (`%10.4F %10ld %3d. function(args) file:line`: `    0.0002     398480   1. {main}() /var/www/html/index.php:0`).
 * Read only right after its message; a frame's arguments are on its line.
 */
const XDEBUG_FRAME = String.raw`[ \t]*\d+\.\d+[ \t]+\d+[ \t]+\d+\.[ \t][^\r\n]*:\d+[ \t]*(?:\r?\n|$)`;
const XDEBUG_TEXT_STACK = new RegExp(
  String.raw`[ \t]*\r?\n(?:[ \t]*\r?\n)?Call Stack:\r?\n(?:${XDEBUG_FRAME})*`,
  "y",
);
/** The same stack as PHP's log writes it after `PHP Warning:  …`: `PHP Stack trace:`, `PHP   1. {main}() /…:0`. */
const LOGGED_STACK = new RegExp(
  String.raw`[ \t]*\r?\nPHP Stack trace:\r?\n(?:PHP[ \t]+\d+\.[ \t][^\r\n]*:\d+[ \t]*(?:\r?\n|$))*`,
  "y",
);
/** Xdebug's message table (`<font size='1'><table class='xdebug-error xe-notice' …>…</table></font>`). */
const XDEBUG_TABLE =
  /<font size=['"]?1['"]?>\s*<table class=['"]xdebug-error[\s\S]{0,100000}?<\/table>\s*<\/font>/y;
/** `$wpdb->print_error()` (shown when WP_DEBUG_DISPLAY is on): `<div id="error"><p class="wpdberror">…</p></div>`. */
const WPDB_ERROR = /<div id=['"]error['"]>\s*<p class=['"]wpdberror['"]>([\s\S]{0,20000}?)<\/p>\s*<\/div>/y;
/** Between messages: whitespace, PHP's `<br />`, BOMs of included files. */
const SPACING = /(?:\s|\uFEFF|<br\s*\/?>)+/y;

/**
 * Reads an answer body: JSON as it is; else JSON after PHP's own output (notices, warnings, deprecations, database
 * errors, BOMs), with what was printed; else a fatal error; else text. Never throws.
 */
export function readStoreBody(text: string): StoreBody {
  try {
    return { kind: "json", value: parseJsonLossless(text), printed: [] };
  } catch {
    // Not JSON from its first byte: see whether PHP wrote around it.
  }
  const before = phpOutput(text, 0);
  const rest = text.slice(before.end);
  const json = rest.startsWith("{") || rest.startsWith("[") ? jsonThenPhpOutput(rest) : null;
  const printed = [...before.printed, ...(json?.printed ?? [])];
  // Nothing PHP printed around it (only blanks and BOMs at most): JSON after BOMs, else not JSON at all.
  if (printed.length === 0)
    return json && before.blankOnly ? { ...json, kind: "json" } : { kind: "text", printed };
  if (printed.some((m) => m.fatal)) return { kind: "php_error", printed };
  return json ? { kind: "json", value: json.value, printed } : { kind: "text", printed };
}

/** Candidate ends of the JSON tried from the end of the body (a message after it may hold `}` or `]` itself). */
const MAX_JSON_ENDS = 8;

/**
 * `rest` as one JSON value, alone or followed by PHP output to the end (printed at shutdown, after WordPress echoed
 * its answer: `ob_end_flush(): Failed to send buffer of zlib output compression`). Null when it is neither.
 */
function jsonThenPhpOutput(rest: string): { value: unknown; printed: PhpMessage[] } | null {
  try {
    return { value: parseJsonLossless(rest), printed: [] };
  } catch {
    // Something after the JSON, or no whole JSON at all.
  }
  let end = rest.length;
  for (let tries = 0; tries < MAX_JSON_ENDS; tries++) {
    end = Math.max(rest.lastIndexOf("}", end - 1), rest.lastIndexOf("]", end - 1));
    if (end <= 0) return null;
    const after = phpOutput(rest, end + 1);
    if (after.printed.length === 0 || after.end !== rest.length) continue;
    try {
      return { value: parseJsonLossless(rest.slice(0, end + 1)), printed: after.printed };
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * The PHP output in `text` from `from` on: its messages, where it ends, and whether it was only blanks and BOMs
 * (a BOM is what a PHP file saved with one prints; JSON.parse refuses it).
 */
function phpOutput(text: string, from: number): { printed: PhpMessage[]; end: number; blankOnly: boolean } {
  const printed: PhpMessage[] = [];
  let at = from;
  let breaks = false;
  for (;;) {
    const spacing = matchAt(SPACING, text, at);
    if (spacing) {
      if (/<br/i.test(spacing[0])) breaks = true;
      at += spacing[0].length;
      continue;
    }
    const message = readMessage(text, at);
    if (!message) break;
    printed.push(message.message);
    at = message.end;
  }
  return { printed, end: at, blankOnly: printed.length === 0 && !breaks && at > from };
}

function readMessage(text: string, at: number): { message: PhpMessage; end: number } | null {
  const html = matchAt(HTML_MESSAGE, text, at);
  if (html) return found(html, `${html[1]}: ${html[2]} on line ${html[3]}`, html[1], at);
  const plain = matchAt(TEXT_MESSAGE, text, at);
  if (plain) {
    const message = found(plain, `${plain[1]}: ${plain[2]} on line ${plain[3]}`, plain[1], at);
    // Xdebug's call stack after it is part of the message, not a message of its own.
    const stack = matchAt(XDEBUG_TEXT_STACK, text, message.end) ?? matchAt(LOGGED_STACK, text, message.end);
    return stack ? { ...message, end: message.end + stack[0].length } : message;
  }
  const xdebug = matchAt(XDEBUG_TABLE, text, at);
  if (xdebug) {
    // The table's heading row holds the message: `( ! ) Notice: … in /path on line <i>12</i>`.
    const heading = /<th[^>]*>([\s\S]*?)<\/th>/i.exec(xdebug[0])?.[1] ?? "";
    const said = plainText(heading).replace(/^\(\s*!\s*\)\s*/, "");
    const level = new RegExp(`^${LEVEL}:`).exec(said)?.[1] ?? "Warning";
    return found(xdebug, said, level, at);
  }
  const wpdb = matchAt(WPDB_ERROR, text, at);
  if (wpdb) return found(wpdb, wpdb[1].split(/<br\s*\/?>|<code>/i)[0], "Warning", at);
  return null;
}

function found(match: RegExpExecArray, said: string, level: string, at: number) {
  return {
    message: { text: firstLine(said), fatal: FATAL.test(level) },
    end: at + match[0].length,
  };
}

function matchAt(pattern: RegExp, text: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(text);
}

/** A message's first line for a person: no tags or entities, server paths shortened, at most ~200 characters. */
function firstLine(said: string): string {
  const line = plainText(said.split(/\r?\n/)[0]).replace(SERVER_PATH, shortPath);
  return line.length > 200 ? `${sliceWhole(line, 199).trimEnd()}…` : line;
}

function plainText(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;|&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

/** An absolute server path (`/var/www/…/file.php`, `C:\inetpub\…\file.php`), with an optional `:line`. */
const SERVER_PATH = /(?:[A-Za-z]:\\|\/)[^\s"'<>()]*\.(?:php|inc)\b/g;

/**
 * A server path as worth reading: from WordPress's own folders (`wp-content/plugins/x/x.php`), which name the plugin
 * or theme; any other long path by its last two parts (`…/config/app.php`).
 */
function shortPath(path: string): string {
  const unix = path.replace(/\\/g, "/");
  const wordpress = /\/(wp-content|wp-includes|wp-admin)\/.*$/.exec(unix);
  if (wordpress) return wordpress[0].slice(1);
  if (unix.length <= 40) return path;
  return `…/${unix.split("/").slice(-2).join("/")}`;
}
