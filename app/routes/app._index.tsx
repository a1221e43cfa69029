import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Box, Button, Card, InlineGrid, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { embeddedContext } from "../embedded.server";
import { organizationTotals } from "../integrations/dashboard.server";
import { statusContext, listIntegrations } from "../integrations/integrations-view.server";
import { ordersPerDay } from "../integrations/orders-view.server";
import { EmptyStores } from "../components/EmptyStores";
import { IntegrationCard } from "../components/IntegrationCard";
import { OrdersChart } from "../components/OrdersChart";
import { PageError } from "../components/PageError";
import { formatCount } from "../components/format";
import { useLiveRefresh } from "../components/useLiveRefresh";
import { CONNECT_WOOCOMMERCE_URL, integrationPageUrl } from "../components/links";

const CHART_DAYS = 30;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { db, organization, queue } = await embeddedContext(request);
  const context = await statusContext(await queue(), { db, organizationId: organization.organizationId });
  const [integrations, totals, series] = await Promise.all([
    listIntegrations(db, organization.organizationId, context),
    organizationTotals(db, organization.organizationId),
    ordersPerDay(db, organization.organizationId, { days: CHART_DAYS }),
  ]);
  return json({ organizationName: organization.organizationName, integrations, totals, series });
};

function Stat({ label, value, url }: { label: string; value: number; url: string }) {
  return (
    <div data-testid={`total-${label.toLowerCase()}`}>
      <Card>
        <BlockStack gap="100">
          <Text as="h2" variant="headingSm" tone="subdued">
            {label}
          </Text>
          <Text as="p" variant="heading2xl">
            {formatCount(value)}
          </Text>
          <InlineStack>
            <Button variant="plain" url={url} accessibilityLabel={`View all ${label.toLowerCase()}`}>
              View all
            </Button>
          </InlineStack>
        </BlockStack>
      </Card>
    </div>
  );
}

/** The overview: totals across stores, every connected store with its status, and orders per day. */
export default function Overview() {
  const { integrations, totals, series } = useLoaderData<typeof loader>();
  const syncing = integrations.some((i) => i.activeRun);
  useLiveRefresh(syncing ? 2_000 : 15_000);
  const connected = integrations.filter((i) => i.status !== "disconnected");
  return (
    <Page
      title="Overview"
      primaryAction={{ content: "Connect WooCommerce", url: CONNECT_WOOCOMMERCE_URL }}
      secondaryActions={[{ content: "Search contacts", url: "/app/contacts" }]}
    >
      <TitleBar title="Commerce Sync" />
      <BlockStack gap="500">
        <InlineGrid columns={{ xs: 1, sm: 3 }} gap="400">
          <Stat label="Contacts" value={totals.contacts} url="/app/contacts" />
          <Stat label="Orders" value={totals.orders} url="/app/orders" />
          <Stat label="Products" value={totals.products} url="/app/products" />
        </InlineGrid>
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              <OrdersChart series={series} days={CHART_DAYS} />
              {/* Below Polaris's sm breakpoint the page has no side padding (cards run edge to edge); text does not. */}
              <Box paddingInlineStart={{ xs: "400", sm: "0" }}>
                <Text as="h2" variant="headingLg">
                  Stores
                </Text>
              </Box>
              {connected.length === 0 && integrations.length === 0 ? (
                <EmptyStores connectWooUrl={CONNECT_WOOCOMMERCE_URL} />
              ) : (
                integrations.map((i) => (
                  <IntegrationCard key={i.id} integration={i} href={integrationPageUrl(i.id)} />
                ))
              )}
              {integrations.length > 0 && !integrations.some((i) => i.platform === "woocommerce") && (
                <Card>
                  <InlineStack align="space-between" blockAlign="center" gap="300">
                    <BlockStack gap="100">
                      <Text as="h3" variant="headingMd">
                        Also selling with WooCommerce?
                      </Text>
                      <Text as="p" tone="subdued">
                        Connect the store to merge its customers with these, by email, and see all orders
                        together.
                      </Text>
                    </BlockStack>
                    <Button url={CONNECT_WOOCOMMERCE_URL}>Connect WooCommerce</Button>
                  </InlineStack>
                </Card>
              )}
            </BlockStack>
          </Layout.Section>
        </Layout>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <PageError />;
}
