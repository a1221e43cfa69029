import { useEffect, useState } from "react";
import { BlockStack, Button, Card, InlineGrid, InlineStack, Select, Text } from "@shopify/polaris";
import type { SyncScheduleView } from "../integrations/sync-schedule.server";
import { formatDateTime } from "./format";
import { scheduleChecksText } from "./read-only-key-text";

/**
 * The store's automatic syncs: how often it is checked for changes a webhook missed, and the nightly full re-sync.
 * Saving posts `intent=schedule` with what changed (`interval`, `window`) to the page's action.
 */
export function SyncScheduleCard(props: {
  schedule: SyncScheduleView;
  busy: boolean;
  onSave: (choice: { interval?: string; window?: string }) => void;
  /** The store's WooCommerce key is read-only: the checks are how changes arrive, not a webhook's safety net. */
  readOnlyKey?: boolean;
}) {
  const { schedule } = props;
  const [intervalChoice, setIntervalChoice] = useState(schedule.interval.value);
  const [windowChoice, setWindowChoice] = useState(schedule.window.value);
  // A save (or another tab's) reloads the page's data: show what is stored now.
  useEffect(() => {
    setIntervalChoice(schedule.interval.value);
    setWindowChoice(schedule.window.value);
  }, [schedule.interval.value, schedule.window.value]);
  const changed = intervalChoice !== schedule.interval.value || windowChoice !== schedule.window.value;

  const { checks, role } = scheduleChecksText({
    interval: schedule.interval,
    nextCheck: schedule.nextCheckAt ? formatDateTime(schedule.nextCheckAt) : null,
    readOnlyKey: !!props.readOnlyKey,
  });
  const [from, to] = schedule.window.utc?.split("-") ?? [];
  const nightly = schedule.window.utc
    ? `Every night between ${from} and ${to} UTC the whole store is read again (a full re-sync).`
    : "No nightly full re-sync.";

  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Automatic syncs
        </Text>
        {schedule.active ? (
          <>
            <BlockStack gap="100">
              <Text as="p">{checks}</Text>
              <Text as="p">{nightly}</Text>
              <Text as="p" tone="subdued">
                {role}
              </Text>
            </BlockStack>
            <InlineGrid columns={{ xs: 1, sm: 2 }} gap="300">
              <Select
                label="Check for changes"
                options={schedule.intervalOptions}
                value={intervalChoice}
                onChange={setIntervalChoice}
              />
              <Select
                label="Nightly full re-sync"
                options={schedule.windowOptions}
                value={windowChoice}
                onChange={setWindowChoice}
              />
            </InlineGrid>
            <InlineStack align="end">
              <Button
                disabled={!changed}
                loading={props.busy}
                onClick={() =>
                  props.onSave({
                    // Only what changed: a value the lists no longer offer is kept as it is.
                    ...(intervalChoice !== schedule.interval.value ? { interval: intervalChoice } : {}),
                    ...(windowChoice !== schedule.window.value ? { window: windowChoice } : {}),
                  })
                }
              >
                Save
              </Button>
            </InlineStack>
          </>
        ) : (
          <Text as="p" tone="subdued">
            This store is disconnected: nothing is synced automatically.
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}
