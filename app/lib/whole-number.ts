/**
 * A whole number read from text (a query parameter, an environment variable), as a zod schema whose every refusal
 * says what is accepted and what was sent: `must be a whole number from 1 to 100 (got "abc")`. zod's
 * `z.coerce.number()` says "Expected number, received nan" for "abc", "Expected integer, received float" for "1.5"
 * and "Number must be greater than or equal to 1" for "0", none of which tells a person what to write instead.
 *
 * What is read: a number, or text that is one after trimming (as `z.coerce.number()` read it: "1e3" and "0x10" are
 * numbers too). Blank text ("", spaces) is "not set": the default applies, as for the other optional variables (an
 * empty `RECONCILE_INTERVAL_MINUTES=` used to read as 0, i.e. off). The schema is still a `ZodNumber` inside, so
 * OpenAPI documents it as an integer with its bounds and default.
 */
import { z } from "zod";

export interface WholeNumberRange {
  min: number;
  /** No upper bound when absent. */
  max?: number;
  /** What the number counts, said in the message: "milliseconds" → "a whole number of milliseconds …". */
  unit?: string;
}

/** How a refused value is quoted in a message: text in quotes (cut at 40 characters), anything else as JSON. */
export function shownValue(value: unknown): string {
  if (typeof value === "string") {
    const cut = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return JSON.stringify(cut);
  }
  if (value === undefined) return "nothing";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** "must be a whole number from 1 to 100" / "must be a whole number of milliseconds, at least 20". */
export function wholeNumberRule({ min, max, unit }: WholeNumberRange): string {
  const what = unit ? `a whole number of ${unit}` : "a whole number";
  return max === undefined ? `must be ${what}, at least ${min}` : `must be ${what} from ${min} to ${max}`;
}

const blank = (value: unknown) => typeof value === "string" && value.trim() === "";

/**
 * `wholeNumber({ min: 1, max: 100 }, 20)`: the number, `fallback` when absent or blank. Without a fallback an
 * absent value is refused as zod's "Required" (`invalid_type`, received undefined), which callers already word.
 */
export function wholeNumber(range: WholeNumberRange, fallback?: number) {
  const rule = wholeNumberRule(range);
  let number = z
    .number({
      errorMap: (issue, ctx) =>
        issue.code === "invalid_type" && ctx.data === undefined
          ? { message: ctx.defaultError }
          : { message: `${rule} (got ${shownValue(ctx.data)})` },
    })
    .int()
    .min(range.min);
  if (range.max !== undefined) number = number.max(range.max);
  const read = z.preprocess((value) => {
    if (blank(value)) return fallback;
    if (typeof value !== "string") return value;
    // Text that is not a whole number stays text: the refusal quotes it as sent ("abc", "1.5").
    const parsed = Number(value.trim());
    return Number.isInteger(parsed) ? parsed : value;
  }, number);
  return fallback === undefined ? read : read.default(fallback);
}
