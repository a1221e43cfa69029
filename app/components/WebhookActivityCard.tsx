import { BlockStack, Box, Card, DataTable, InlineStack, List, Text } from "@shopify/polaris";
import type { WebhookActivity } from "../integrations/webhook-activity.server";
import { formatCount, formatDateTime } from "./format";
import { WebhookStatusBadge } from "./StatusBadge";

/** Recent webhook events, failures over the last day and repaired subscriptions. */
export function WebhookActivityCard({ activity }: { activity: WebhookActivity }) {
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
            No webhook has arrived from this store yet. Changes made in the store show up here within seconds.
          </Text>
        </Box>
      ) : (
        <DataTable
          columnContentTypes={["text", "text", "text", "text"]}
          headings={["Received", "Topic", "Status", "Details"]}
          rows={activity.recent.map((e) => [
            formatDateTime(e.receivedAt),
            e.topic,
            <WebhookStatusBadge key={e.id} status={e.status} />,
            e.lastError ?? (e.resourceId ? `Record ${e.resourceId}` : ""),
          ])}
        />
      )}
      <Box padding="400">
        <BlockStack gap="200">
          <Text as="h3" variant="headingSm">
            Repaired subscriptions
          </Text>
          {activity.repairs.length === 0 ? (
            <Text as="p" tone="subdued">
              None needed: the store’s webhook subscriptions were in place at every check.
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
