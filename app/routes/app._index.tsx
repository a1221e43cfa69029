import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Card,
  DataTable,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Text,
} from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import prisma from "../db.server";
import { authenticate } from "../shopify.server";
import { loadShopDashboard, type DashboardIntegration } from "../integrations/dashboard.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return json(await loadShopDashboard(prisma, session.shop));
};

const STATUS_TONE: Record<string, "success" | "info" | "attention" | "critical" | undefined> = {
  connected: "success",
  syncing: "info",
  needs_attention: "attention",
  disconnected: undefined,
  succeeded: "success",
  running: "info",
  partial: "attention",
  failed: "critical",
  cancelled: undefined,
  queued: undefined,
};

function humanize(value: string) {
  return value.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
}

function formatTime(iso: string | null) {
  if (!iso) return "Never";
  return (
    new Date(iso).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) +
    " UTC"
  );
}

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="heading2xl">
          {value.toLocaleString("en-US")}
        </Text>
      </BlockStack>
    </Card>
  );
}

function IntegrationCard({ integration }: { integration: DashboardIntegration }) {
  return (
    <Card>
      <BlockStack gap="200">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h3" variant="headingMd">
            {integration.name}
          </Text>
          <InlineStack gap="200">
            <Badge>{integration.platform === "shopify" ? "Shopify" : "WooCommerce"}</Badge>
            <Badge tone={STATUS_TONE[integration.status]}>{humanize(integration.status)}</Badge>
          </InlineStack>
        </InlineStack>
        <Text as="p" tone="subdued">
          {integration.storeKey}
        </Text>
        {integration.statusReason && (
          <Text as="p" tone="critical">
            {integration.statusReason}
          </Text>
        )}
        <Text as="p">
          {integration.syncedContacts.toLocaleString("en-US")} contacts ·{" "}
          {integration.syncedOrders.toLocaleString("en-US")} orders ·{" "}
          {integration.syncedProducts.toLocaleString("en-US")} products
        </Text>
        <Text as="p" tone="subdued">
          Last sync: {formatTime(integration.lastSyncAt)}
        </Text>
      </BlockStack>
    </Card>
  );
}

/** The merchant's dashboard: what is synced, from which stores, and how the recent syncs went. */
export default function Dashboard() {
  const data = useLoaderData<typeof loader>();
  return (
    <Page>
      <TitleBar title="Commerce Sync" />
      <BlockStack gap="500">
        <InlineGrid columns={{ xs: 1, sm: 3 }} gap="400">
          <Stat label="Contacts" value={data.totals.contacts} />
          <Stat label="Orders" value={data.totals.orders} />
          <Stat label="Products" value={data.totals.products} />
        </InlineGrid>
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              <Text as="h2" variant="headingLg">
                Connected stores
              </Text>
              {data.integrations.length === 0 ? (
                <Card>
                  <Text as="p">No store is connected yet.</Text>
                </Card>
              ) : (
                data.integrations.map((i) => <IntegrationCard key={i.id} integration={i} />)
              )}
            </BlockStack>
          </Layout.Section>
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingLg">
                  Recent syncs
                </Text>
                {data.recentRuns.length === 0 ? (
                  <Text as="p" tone="subdued">
                    No sync has run for these stores yet.
                  </Text>
                ) : (
                  <DataTable
                    columnContentTypes={["text", "text", "text", "numeric", "numeric", "text"]}
                    headings={["Store", "Kind", "Status", "Synced", "Failed", "Started"]}
                    rows={data.recentRuns.map((r) => [
                      r.integrationName,
                      humanize(r.kind),
                      <Badge key={r.id} tone={STATUS_TONE[r.status]}>
                        {humanize(r.status)}
                      </Badge>,
                      r.synced.toLocaleString("en-US"),
                      r.failed.toLocaleString("en-US"),
                      formatTime(r.startedAt),
                    ])}
                  />
                )}
              </BlockStack>
            </Card>
          </Layout.Section>
        </Layout>
      </BlockStack>
    </Page>
  );
}
