import { BlockStack, Box, Card, DataTable, InlineStack, List, Text, useBreakpoints } from "@shopify/polaris";
import type { WebhookActivity } from "../integrations/webhook-activity.server";
import { formatCount, formatDateTime } from "./format";
import { WebhookStatusBadge } from "./StatusBadge";
import { webhookActivityNotes, webhookRecordLabel } from "./webhook-activity-text";

/** Recent webhook events, failures over the last day and repaired subscriptions. */
export function WebhookActivityCard({
  activity,
  disconnected = false,
  readOnlyKey = false,
}: {
  activity: WebhookActivity;
  /** The store is disconnected: its webhooks are refused and no longer checked. */
  disconnected?: boolean;
  /** The store's WooCommerce key is read-only: its webhooks cannot be created or repaired. */
  readOnlyKey?: boolean;
}) {
  const notes = webhookActivityNotes({ disconnected, readOnlyKey });
  // Phones get one stacked block per event: four columns with error details would scroll inside the card.
  const { mdDown } = useBreakpoints();
  const details = (e: WebhookActivity["recent"][number]) =>
    e.nextAttemptAt
      ? `${e.lastError ?? "Failed"} — trying again ${formatDateTime(e.nextAttemptAt)} (attempt ${e.attempts + 1})`
      : (e.lastError ?? webhookRecordLabel(e.resourceId));
  return (
    <Card padding="0">
      <Box padding="400">
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            Webhook activity
          </Text>
          <InlineStack gap="400" wrap>
            <Text as="span">{formatCount(activity.last24h.received)} received in the last 24 hours</Text>
            <Text as="span" tone={activity.last24h.failed > 0 ? "critical" : "subdued"}>
              {formatCount(activity.last24h.failed)} failed
            </Text>
          </InlineStack>
        </BlockStack>
      </Box>
      {activity.recent.length === 0 ? (
        <Box padding="400" paddingBlockStart="0">
          <Text as="p" tone="subdued">
            {notes.noEvents}
          </Text>
        </Box>
      ) : (
        <>
          {mdDown ? (
            <BlockStack>
              {activity.recent.map((e) => (
                <Box key={e.id} padding="400" borderBlockStartWidth="025" borderColor="border-secondary">
                  <BlockStack gap="100">
                    <InlineStack align="space-between" blockAlign="center" gap="200">
                      <Text as="span" fontWeight="semibold" breakWord>
                        {e.topic}
                      </Text>
                      <WebhookStatusBadge status={e.status} />
                    </InlineStack>
                    <Text as="span" tone="subdued" variant="bodySm">
                      {formatDateTime(e.receivedAt)}
                    </Text>
                    {details(e) && (
                      <Text as="span" variant="bodySm" breakWord>
                        {details(e)}
                      </Text>
                    )}
                  </BlockStack>
                </Box>
              ))}
            </BlockStack>
          ) : (
            <DataTable
              columnContentTypes={["text", "text", "text", "text"]}
              headings={["Received", "Topic", "Status", "Details"]}
              rows={activity.recent.map((e) => [
                formatDateTime(e.receivedAt),
                e.topic,
                <WebhookStatusBadge key={e.id} status={e.status} />,
                details(e),
              ])}
            />
          )}
        </>
      )}
      <Box padding="400">
        <BlockStack gap="200">
          <Text as="h3" variant="headingSm">
            Repaired subscriptions
          </Text>
          {activity.repairs.length === 0 ? (
            <Text as="p" tone="subdued">
              {notes.noRepairs}
            </Text>
          ) : (
            <List type="bullet">
              {activity.repairs.map((r, i) => (
                <List.Item key={i}>
                  {formatDateTime(r.at)} — {r.summary}
                </List.Item>
              ))}
            </List>
          )}
        </BlockStack>
      </Box>
    </Card>
  );
}
