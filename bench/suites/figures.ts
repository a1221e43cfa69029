/**
 * A figure of the printed table: a value, what it is compared with (a floor or limit measured in the same run, or
 * a fixed limit), the ratio, the target and whether it is met. Every suite returns its JSON and its figures.
 */
export interface Figure {
  /** Path in latest.json, e.g. `shopify_full_sync.sqlite.records_per_s`. */
  name: string;
  value: number | null;
  /** The floor or limit it is compared with, and what that is. */
  against?: { label: string; value: number | null };
  /** value ÷ against, or against ÷ value: whichever the target is written in. */
  ratio?: number | null;
  target: string;
  /** null: no target (reported for information). */
  met: boolean | null;
}

export interface SuiteResult {
  json: Record<string, unknown>;
  figures: Figure[];
}

export const ratio = (a: number | null | undefined, b: number | null | undefined, digits = 2) =>
  a == null || b == null || b === 0 ? null : Number((a / b).toFixed(digits));

const fmt = (n: number | null | undefined) =>
  n == null
    ? "—"
    : Number.isInteger(n)
      ? n.toLocaleString("en-US")
      : n.toLocaleString("en-US", { maximumFractionDigits: 2 });

/** The one table `npm run bench` prints. */
export function formatTable(figures: Figure[]): string {
  const header = ["figure", "value", "floor / limit", "ratio", "target", "met"];
  const rows = figures.map((f) => [
    f.name,
    fmt(f.value),
    f.against ? `${fmt(f.against.value)} (${f.against.label})` : "",
    f.ratio == null ? "" : fmt(f.ratio),
    f.target,
    f.met === null ? "—" : f.met ? "yes" : "NO",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 1 || i === 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(" | ")} |`;
  return [
    line(header),
    `| ${widths.map((w, i) => (i === 1 || i === 3 ? `${"-".repeat(w - 1)}:` : "-".repeat(w))).join(" | ")} |`,
    ...rows.map(line),
  ].join("\n");
}
