/** Small pieces of the standalone WooCommerce status pages. */
import { Badge } from "@shopify/polaris";

const TONE: Record<string, "success" | "info" | "attention" | "critical" | undefined> = {
  connected: "success",
  syncing: "info",
  needs_attention: "attention",
  disconnected: undefined,
  succeeded: "success",
  running: "info",
  queued: undefined,
  partial: "attention",
  failed: "critical",
  cancelled: undefined,
  processed: "success",
  received: "info",
  processing: "info",
  ignored: undefined,
};

export function humanize(value: string): string {
  return value.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
}

export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={TONE[status]}>{humanize(status)}</Badge>;
}

/** "Nov 30, 2026, 11:33 PM UTC", or "Never". Rendered in UTC so server and browser agree. */
export function formatTime(iso: string | null): string {
  if (!iso) return "Never";
  return `${new Date(iso).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })} UTC`;
}
