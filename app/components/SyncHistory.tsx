import { useState } from "react";
import {
  BlockStack,
  Box,
  Button,
  Card,
  Collapsible,
  DataTable,
  InlineStack,
  List,
  Text,
  useBreakpoints,
} from "@shopify/polaris";
import type { SyncRunView } from "../integrations/sync-runs.server";
import {
  DELETED_IN_STORE_NOTE,
  formatCount,
  formatDateTime,
  formatDuration,
  humanize,
  narrowNote,
  RUN_CUSTOMERS_LABEL,
  runResourceNotes,
  runResourceText,
  shownRunStatus,
  triggerLabel,
} from "./format";
import { runErrorLines } from "./run-errors";
import { RunStatusBadge } from "./StatusBadge";

const resourceOf = (run: SyncRunView, resource: string) => run.resources.find((x) => x.resource === resource);

/** One line, for the phone layout's sentence. */
function countsOf(run: SyncRunView, resource: string) {
  const r = resourceOf(run, resource);
  return r ? runResourceText(r) : "—";
}

/** A table cell: what the run read, and under it, smaller, what failed or was deleted in the store. */
function CountsCell({ run, resource }: { run: SyncRunView; resource: string }) {
  const r = resourceOf(run, resource);
  if (!r) return "—";
  const notes = runResourceNotes(r);
  if (notes.length === 0) return formatCount(r.synced);
  return (
    <BlockStack inlineAlign="end">
      <span>{formatCount(r.synced)}</span>
      {notes.map((note) => (
        // Table cells do not wrap; this line may, where narrowNote lets it.
        <span key={note} style={{ whiteSpace: "normal" }}>
          <Text as="span" tone="subdued" variant="bodySm">
            {narrowNote(note)}
          </Text>
        </span>
      ))}
    </BlockStack>
  );
}

const hasDeletions = (run: SyncRunView) => run.resources.some((r) => r.deleted > 0);

const hasErrors = (run: SyncRunView) =>
  run.errorCount > 0 || !!run.errorMessage || run.resources.some((r) => r.error);

/** A run's errors behind a disclosure named after its run (several failed runs are told apart by ear too). */
function RunErrors({ run, inRun = false }: { run: SyncRunView; inRun?: boolean }) {
  const [open, setOpen] = useState(false);
  const readErrors = run.resources.filter((r) => r.error);
  if (!hasErrors(run)) return null;
  const id = `run-errors-${run.id}`;
  const lines = runErrorLines(run);
  const n = Math.max(run.errorCount, readErrors.length, 1);
  const count = formatCount(n);
  const started = formatDateTime(run.startedAt);
  const shown = open ? "Hide errors" : `Show ${count} error${n === 1 ? "" : "s"}`;
  return (
    <BlockStack gap="200">
      <InlineStack gap="200" blockAlign="center">
        <Button
          variant="plain"
          onClick={() => setOpen(!open)}
          ariaExpanded={open}
          ariaControls={id}
          // The name starts with the visible text (WCAG 2.5.3, label in name), then says whose errors.
          accessibilityLabel={`${shown} of the sync started ${started}`}
          disclosure={open ? "up" : "down"}
        >
          {shown}
        </Button>
        {/* Under the table, the run is named; inside its own block on phones, it already is. */}
        {!inRun && (
          <Text as="span" tone="subdued" variant="bodySm">
            {kindOf(run)} · {started}
          </Text>
        )}
      </InlineStack>
      <Collapsible id={id} open={open}>
        <Box paddingBlockStart="100">
          <BlockStack gap="200">
            {lines.summary && (
              <Text as="p" tone="critical">
                {lines.summary}
              </Text>
            )}
            {lines.readFailures.map((line) => (
              <Text as="p" key={line} tone={lines.summary ? undefined : "critical"}>
                {line}
              </Text>
            ))}
            {lines.records.length > 0 && (
              <List type="bullet">
                {lines.records.slice(0, 50).map((line, i) => (
                  <List.Item key={i}>{line}</List.Item>
                ))}
              </List>
            )}
            {run.errorCount > run.errors.length && (
              <Text as="p" tone="subdued" variant="bodySm">
                {formatCount(run.errorCount - run.errors.length)} more not shown (the first{" "}
                {run.errors.length} are kept).
              </Text>
            )}
          </BlockStack>
        </Box>
      </Collapsible>
    </BlockStack>
  );
}

function kindOf(run: SyncRunView) {
  const trigger = triggerLabel(run.triggeredBy);
  return `${humanize(run.kind)}${trigger ? ` · ${trigger}` : ""}`;
}

function durationOf(run: SyncRunView) {
  return run.active ? "Running" : formatDuration(run.durationMs);
}

/** Phones: one stacked block per run with the table's fields (a seven-column table would scroll inside the card). */
function RunList({ runs }: { runs: SyncRunView[] }) {
  return (
    <BlockStack>
      {runs.map((run) => (
        <Box key={run.id} padding="400" borderBlockStartWidth="025" borderColor="border-secondary">
          <BlockStack gap="100">
            <InlineStack align="space-between" blockAlign="center" gap="200">
              <Text as="span" fontWeight="semibold">
                {kindOf(run)}
              </Text>
              <RunStatusBadge status={shownRunStatus(run)} />
            </InlineStack>
            <Text as="span" tone="subdued" variant="bodySm">
              {formatDateTime(run.startedAt)} · {durationOf(run)}
            </Text>
            <Text as="span" variant="bodySm">
              {RUN_CUSTOMERS_LABEL} {countsOf(run, "customers")} · Orders {countsOf(run, "orders")} · Products{" "}
              {countsOf(run, "products")}
            </Text>
            {hasErrors(run) && <RunErrors run={run} inRun />}
          </BlockStack>
        </Box>
      ))}
    </BlockStack>
  );
}

/** The store's sync runs with per-resource counts, duration and an error drill-down (the seed's `syncHistory`). */
export function SyncHistory({
  runs,
  firstSyncQueued = false,
}: {
  runs: SyncRunView[];
  /** The store's first sync waits in the queue (no run yet). */
  firstSyncQueued?: boolean;
}) {
  const { mdDown } = useBreakpoints();
  return (
    <Card padding="0">
      <Box padding="400">
        <Text as="h2" variant="headingMd">
          Sync history
        </Text>
      </Box>
      {runs.length === 0 ? (
        <Box padding="400" paddingBlockStart="0">
          <Text as="p" tone="subdued">
            {firstSyncQueued
              ? "The first sync is queued and starts soon; it shows here once it runs."
              : "No sync has run for this store yet. Use “Sync now” to start the first one."}
          </Text>
        </Box>
      ) : (
        <>
          {mdDown ? (
            <RunList runs={runs} />
          ) : (
            <DataTable
              columnContentTypes={["text", "text", "text", "numeric", "numeric", "numeric", "text"]}
              headings={["Started", "Kind", "Status", RUN_CUSTOMERS_LABEL, "Orders", "Products", "Duration"]}
              rows={runs.map((run) => [
                formatDateTime(run.startedAt),
                kindOf(run),
                <RunStatusBadge key={run.id} status={shownRunStatus(run)} />,
                <CountsCell key="customers" run={run} resource="customers" />,
                <CountsCell key="orders" run={run} resource="orders" />,
                <CountsCell key="products" run={run} resource="products" />,
                durationOf(run),
              ])}
            />
          )}
          {runs.some(hasDeletions) && (
            <Box padding="400" paddingBlockEnd={!mdDown && runs.some(hasErrors) ? "0" : "400"}>
              <Text as="p" tone="subdued" variant="bodySm">
                {DELETED_IN_STORE_NOTE}
              </Text>
            </Box>
          )}
          {!mdDown && runs.some(hasErrors) && (
            <Box padding="400">
              <BlockStack gap="300">
                {runs.filter(hasErrors).map((run) => (
                  <RunErrors key={run.id} run={run} />
                ))}
              </BlockStack>
            </Box>
          )}
        </>
      )}
    </Card>
  );
}
