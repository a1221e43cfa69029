import { BlockStack, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import type { SyncRunView } from "../integrations/sync-runs.server";
import { formatCount, humanize, resourceProgressText, RUN_CUSTOMERS_LABEL } from "./format";

const RESOURCE_LABEL: Record<string, string> = {
  customers: RUN_CUSTOMERS_LABEL,
  orders: "Orders",
  products: "Products",
};

function percent(done: number, total: number | null, phase: string): number {
  if (phase === "done") return 100;
  if (!total) return 0;
  return Math.min(99, Math.floor((done / total) * 100));
}

/** A progress bar per resource of a running sync ("1,250 of 4,000"). */
export function SyncProgress({ run, compact = false }: { run: SyncRunView; compact?: boolean }) {
  return (
    <BlockStack gap={compact ? "150" : "300"}>
      {!compact && (
        <Text as="p" variant="bodyMd">
          {humanize(run.kind)} sync in progress · {formatCount(run.progress.done)}
          {run.progress.total !== null ? ` of ${formatCount(run.progress.total)}` : ""} records
        </Text>
      )}
      {run.resources.map((r) => {
        const done = r.synced + r.failed;
        const value = percent(done, r.total, r.phase);
        return (
          <BlockStack key={r.resource} gap="100">
            <InlineStack align="space-between" gap="200">
              <Text as="span" variant="bodySm" fontWeight="medium">
                {RESOURCE_LABEL[r.resource] ?? r.resource}
              </Text>
              <Text as="span" variant="bodySm" tone="subdued">
                {resourceProgressText(r)}
              </Text>
            </InlineStack>
            <div
              role="progressbar"
              aria-label={`${RESOURCE_LABEL[r.resource] ?? r.resource} sync progress`}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={value}
            >
              <ProgressBar
                progress={value}
                size="small"
                tone={r.phase === "failed" ? "critical" : r.phase === "done" ? "success" : "primary"}
                animated={r.phase === "running"}
              />
            </div>
          </BlockStack>
        );
      })}
    </BlockStack>
  );
}
