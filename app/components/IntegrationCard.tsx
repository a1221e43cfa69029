import { Banner, BlockStack, Box, Card, InlineGrid, InlineStack, Link, Text } from "@shopify/polaris";
import type { IntegrationListItem } from "../integrations/integrations-view.server";
import { CopyableId } from "./CopyableId";
import { formatCount, lastSyncText, platformLabel, STORE_CONTACTS_LABEL } from "./format";
import { IntegrationStatusBadge } from "./StatusBadge";
import { SyncProgress } from "./SyncProgress";

type Item = Omit<IntegrationListItem, "activeRun"> & { activeRun: IntegrationListItem["activeRun"] | null };

function Count({ label, value }: { label: string; value: number }) {
  return (
    <BlockStack gap="050">
      <Text as="span" variant="bodySm" tone="subdued">
        {label}
      </Text>
      <Text as="span" variant="headingMd">
        {formatCount(value)}
      </Text>
    </BlockStack>
  );
}

/**
 * One store on the overview: status (with the reason when it needs attention), counts, last sync, its id. Its name is
 * a level-three heading under the overview's "Stores"; a page that lists stores right under its title passes "h2".
 */
export function IntegrationCard({
  integration,
  href,
  headingAs = "h3",
}: {
  integration: Item;
  href: string;
  headingAs?: "h2" | "h3";
}) {
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center" gap="200" wrap>
          <BlockStack gap="050">
            <Link url={href} removeUnderline monochrome>
              <Text as={headingAs} variant="headingMd">
                {integration.name}
              </Text>
            </Link>
            <Text as="span" tone="subdued" variant="bodySm">
              {platformLabel(integration.platform)} · {integration.storeKey}
            </Text>
          </BlockStack>
          <IntegrationStatusBadge status={integration.status} />
        </InlineStack>
        {integration.status === "needs_attention" && integration.statusReason && (
          <Banner tone="critical" title="This store needs attention">
            <p>{integration.statusReason}</p>
          </Banner>
        )}
        {integration.activeRun && <SyncProgress run={integration.activeRun} compact />}
        <InlineGrid columns={{ xs: 3 }} gap="200">
          <Count label={STORE_CONTACTS_LABEL} value={integration.syncedContacts} />
          <Count label="Orders" value={integration.syncedOrders} />
          <Count label="Products" value={integration.syncedProducts} />
        </InlineGrid>
        <Box>
          <Text as="p" tone="subdued" variant="bodySm">
            {lastSyncText(integration.lastSyncAt, integration.lastRun, integration.queuedSync)}
          </Text>
        </Box>
        {/* On a phone the id (a long UUID for a WooCommerce store) and the link take a row each, in every card alike,
            instead of the link wrapping under some ids and not others. */}
        <InlineGrid columns={{ xs: 1, sm: "1fr auto" }} alignItems="center" gap="200">
          <CopyableId id={integration.id} />
          <Link url={href}>View details</Link>
        </InlineGrid>
      </BlockStack>
    </Card>
  );
}
