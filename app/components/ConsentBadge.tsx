import { Badge } from "@shopify/polaris";

const LABEL: Record<string, string> = {
  subscribed: "Subscribed",
  not_subscribed: "Not subscribed",
  pending: "Pending confirmation",
  unsubscribed: "Unsubscribed",
  invalid: "Invalid address",
  redacted: "Redacted",
  unknown: "Not recorded by the store",
};

/** Email marketing consent exactly as the store reported it (never "subscribed" on a guess). */
export function ConsentBadge({ state, optInLevel }: { state: string; optInLevel?: string | null }) {
  const tone =
    state === "subscribed"
      ? "success"
      : state === "unsubscribed" || state === "invalid"
        ? "critical"
        : undefined;
  const level = state === "subscribed" && optInLevel === "confirmed_opt_in" ? " (confirmed)" : "";
  return <Badge tone={tone}>{`${LABEL[state] ?? state}${level}`}</Badge>;
}
