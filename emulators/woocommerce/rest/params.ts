/**
 * WordPress REST argument validation for list endpoints, with WordPress's exact messages
 * (`rest_invalid_param` with `params` and `details`), and date parsing for the date filters.
 */
import { invalidParams, listWords, type ParamDetail } from "../errors";
import { isEmail } from "../php";

export type ArgSpec =
  | { type: "integer"; minimum?: number; maximum?: number; default?: number }
  | { type: "enum"; values: string[]; default?: string }
  | { type: "boolean"; default?: boolean }
  | { type: "date-time" }
  | { type: "string" }
  /** An array of integers (`include`, `exclude`): a comma list or `a[]=`; each item must be an integer. */
  | { type: "integer-array" }
  | { type: "enum-array"; values: string[]; default?: string[] };

export type ArgValue = number | string | boolean | string[] | undefined;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** rest_parse_date: ISO 8601 date-time; true when the string carries its own zone. */
export function parseWpDate(value: string): { localMs: number; hasZone: boolean; zonedMs: number } | null {
  const m = DATE_RE.exec(value.trim());
  if (!m) return null;
  const localMs = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  if (Number.isNaN(localMs)) return null;
  const zone = m[8];
  let zonedMs = localMs;
  if (zone && zone.toUpperCase() !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || "0");
    zonedMs = localMs - sign * minutes * 60_000;
  }
  return { localMs, hasZone: !!zone, zonedMs };
}

/**
 * Resolves a date filter to epoch ms: a zone in the value wins; otherwise it is GMT when `dates_are_gmt`,
 * else site time.
 */
export function dateFilterMs(value: string, datesAreGmt: boolean, utcOffsetMinutes: number): number {
  const parsed = parseWpDate(value)!;
  if (parsed.hasZone) return parsed.zonedMs;
  return datesAreGmt ? parsed.localMs : parsed.localMs - utcOffsetMinutes * 60_000;
}

/** PHP 8's `is_numeric()` on a string: optional whitespace around a decimal number with an optional exponent. */
function isNumeric(text: string): boolean {
  return /^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?[ \t\n\r\v\f]*$/.test(text);
}

function isBooleanLike(value: unknown): boolean {
  return ["", "false", "0", "true", "1"].includes(String(value).toLowerCase());
}

/**
 * Validates and sanitises the arguments a route declares; unknown parameters are ignored, as WordPress does.
 * Throws the WordPress 400 body listing every invalid parameter.
 */
export function validateArgs(
  specs: Record<string, ArgSpec>,
  raw: Record<string, unknown>,
): Record<string, ArgValue> {
  const out: Record<string, ArgValue> = {};
  const details: Record<string, ParamDetail> = {};
  const fail = (name: string, code: string, message: string) => {
    details[name] = { code, message, data: null };
  };
  // rest_validate_{number,integer,boolean}_value_from_schema: `rest_invalid_type` with `array( 'param' => $param )`.
  const notOfType = (name: string, param: string, type: string) => {
    details[name] = {
      code: "rest_invalid_type",
      message: `${param} is not of type ${type}.`,
      data: { param },
    };
  };
  for (const [name, spec] of Object.entries(specs)) {
    const value = raw[name];
    if (value === undefined) {
      if ("default" in spec && spec.default !== undefined) out[name] = spec.default;
      continue;
    }
    switch (spec.type) {
      case "integer": {
        // is_numeric, then the bounds, then rest_is_integer: "150.5" is out of bounds before it is not an integer.
        if (Array.isArray(value) || !isNumeric(String(value))) {
          notOfType(name, name, "integer");
          break;
        }
        const n = Number(String(value).trim());
        const { minimum, maximum } = spec;
        if (minimum !== undefined && maximum !== undefined && (n < minimum || n > maximum)) {
          fail(
            name,
            "rest_out_of_bounds",
            `${name} must be between ${minimum} (inclusive) and ${maximum} (inclusive)`,
          );
        } else if (minimum !== undefined && n < minimum) {
          fail(name, "rest_out_of_bounds", `${name} must be greater than or equal to ${minimum}`);
        } else if (maximum !== undefined && n > maximum) {
          fail(name, "rest_out_of_bounds", `${name} must be less than or equal to ${maximum}`);
        } else if (!Number.isInteger(n)) notOfType(name, name, "integer");
        else out[name] = n;
        break;
      }
      case "enum": {
        const text = String(value);
        if (!spec.values.includes(text))
          fail(name, "rest_not_in_enum", `${name} is not one of ${listWords(spec.values)}.`);
        else out[name] = text;
        break;
      }
      case "boolean":
        if (!isBooleanLike(value)) notOfType(name, name, "boolean");
        else out[name] = ["true", "1"].includes(String(value).toLowerCase());
        break;
      case "date-time":
        if (typeof value !== "string" || !parseWpDate(value))
          fail(name, "rest_invalid_date", "Invalid date.");
        else out[name] = value;
        break;
      case "string":
        out[name] = Array.isArray(value) ? value.join(",") : String(value);
        break;
      case "integer-array": {
        // rest_sanitize_array (wp_parse_list), then each item against `items: {type: integer}`.
        const items = Array.isArray(value)
          ? value.map(String)
          : String(value)
              .split(/[,\s]+/)
              .filter(Boolean);
        const bad = items.findIndex((item) => !isNumeric(item) || !Number.isInteger(Number(item.trim())));
        if (bad !== -1) notOfType(name, `${name}[${bad}]`, "integer");
        else out[name] = items.join(",");
        break;
      }
      case "enum-array": {
        // WordPress turns "a,b" and a[]=… alike into a list.
        const items = Array.isArray(value)
          ? value.map(String)
          : String(value)
              .split(/[,\s]+/)
              .filter(Boolean);
        const bad = items.findIndex((item) => !spec.values.includes(item));
        if (bad !== -1) {
          fail(name, "rest_not_in_enum", `${name}[${bad}] is not one of ${listWords(spec.values)}.`);
        } else out[name] = items;
        break;
      }
    }
  }
  if (Object.keys(details).length > 0) throw invalidParams(details);
  return out;
}

/**
 * The `format: email` check WordPress runs on arguments before the handler: a non-empty `email` (and
 * `billing.email`, reported as `billing`) must pass is_email(). Empty strings pass: the fields are not required.
 */
export function validateEmailArgs(raw: Record<string, unknown>): void {
  const details: Record<string, ParamDetail> = {};
  const bad = (value: unknown) => typeof value === "string" && value !== "" && !isEmail(value.trim());
  if (bad(raw.email)) details.email = INVALID_EMAIL;
  const billing = raw.billing as Record<string, unknown> | undefined;
  if (billing && typeof billing === "object" && bad(billing.email)) details.billing = INVALID_EMAIL;
  if (Object.keys(details).length > 0) throw invalidParams(details);
}

const INVALID_EMAIL = { code: "rest_invalid_email", message: "Invalid email address.", data: null };

/** Comma list or array of ids (`include`, `exclude`). */
export function idList(value: unknown): number[] {
  if (value === undefined || value === "") return [];
  const items = Array.isArray(value) ? value : String(value).split(",");
  return items.map((v) => Number(v)).filter((n) => Number.isInteger(n) && n > 0);
}
