/** Shopify timestamps (ISO 8601 with an offset, e.g. "2021-12-31T19:00:00-05:00") → UTC Dates. Pure. */

export function requireDate(value: string | null | undefined, field: string): Date {
  const date = optionalDate(value, field);
  if (!date) throw new Error(`The record has no ${field}.`);
  return date;
}

export function optionalDate(value: string | null | undefined, field: string): Date | null {
  if (value === null || value === undefined || value === "") return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`${field} "${value}" is not a date.`);
  return date;
}
