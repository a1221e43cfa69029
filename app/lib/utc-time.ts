/** How the app writes a moment for people: "Dec 2, 2026, 7:48 AM UTC" (en-US, always UTC). */
export function utcDateTime(at: Date | string): string {
  const date = typeof at === "string" ? new Date(at) : at;
  return `${date.toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })} UTC`;
}
