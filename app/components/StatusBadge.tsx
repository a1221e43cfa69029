import { Badge } from "@shopify/polaris";
import { humanize } from "./format";

type Tone = "success" | "info" | "attention" | "critical" | "warning" | undefined;

const INTEGRATION_TONE: Record<string, Tone> = {
  connected: "success",
  syncing: "info",
  needs_attention: "critical",
  disconnected: undefined,
};

const RUN_TONE: Record<string, Tone> = {
  succeeded: "success",
  running: "info",
  stopped: "warning",
  queued: undefined,
  partial: "warning",
  failed: "critical",
  cancelled: undefined,
};

/** A store's status: connected, syncing, needs attention, disconnected. */
export function IntegrationStatusBadge({ status }: { status: string }) {
  return (
    <Badge tone={INTEGRATION_TONE[status]} progress={status === "syncing" ? "partiallyComplete" : undefined}>
      {humanize(status)}
    </Badge>
  );
}

/** A sync run's status. */
export function RunStatusBadge({ status }: { status: string }) {
  return <Badge tone={RUN_TONE[status]}>{status === "partial" ? "Partly synced" : humanize(status)}</Badge>;
}

/** A webhook event's outcome. */
export function WebhookStatusBadge({ status }: { status: string }) {
  const tone: Tone =
    status === "processed"
      ? "success"
      : status === "failed"
        ? "critical"
        : status === "retrying"
          ? "warning"
          : undefined;
  return <Badge tone={tone}>{humanize(status)}</Badge>;
}
