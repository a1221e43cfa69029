/** `/woocommerce`: the signed-in owner's WooCommerce stores. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, InlineGrid, InlineStack, Page, Text } from "@shopify/polaris";
import { wooApp } from "../woocommerce-app.server";
import { requireOwner } from "../integrations/woocommerce-session.server";
import { listOwnerStores } from "../integrations/woocommerce-status.server";
import { StatusBadge, formatTime } from "../components/woocommerce-status";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const app = wooApp();
  const { session } = await requireOwner(app.db, app.cookies, request);
  const stores = await listOwnerStores(app.db, session.organizationId);
  if (stores.length === 0) throw redirect("/woocommerce/connect");
  return json({ stores });
};

export default function OwnerStores() {
  const { stores } = useLoaderData<typeof loader>();
  return (
    <Page
      title="Your WooCommerce stores"
      primaryAction={{ content: "Connect another store", url: "/woocommerce/connect" }}
      secondaryActions={<SignOut />}
    >
      <BlockStack gap="400">
        {stores.map((store) => (
          <Card key={store.id}>
            <BlockStack gap="300">
              <InlineStack align="space-between" blockAlign="center">
                <BlockStack gap="100">
                  <InlineStack gap="200" blockAlign="center">
                    <Text as="h2" variant="headingMd">
                      {store.name}
                    </Text>
                    <StatusBadge status={store.status} />
                    {store.readOnly && <Badge tone="attention">Read-only key</Badge>}
                  </InlineStack>
                  <Text as="p" tone="subdued">
                    {store.url}
                  </Text>
                </BlockStack>
                <Button url={`/woocommerce/stores/${store.id}`}>View status</Button>
              </InlineStack>
              <InlineGrid columns={{ xs: 1, sm: 4 }} gap="300">
                <Text as="p">{store.counts.contacts.toLocaleString("en-US")} contacts</Text>
                <Text as="p">{store.counts.orders.toLocaleString("en-US")} orders</Text>
                <Text as="p">{store.counts.products.toLocaleString("en-US")} products</Text>
                <Text as="p" tone="subdued">
                  Last sync: {formatTime(store.lastSyncAt)}
                </Text>
              </InlineGrid>
            </BlockStack>
          </Card>
        ))}
      </BlockStack>
    </Page>
  );
}

function SignOut() {
  return (
    <Form method="post" action="/woocommerce/sign-out">
      <Button submit variant="plain">
        Sign out
      </Button>
    </Form>
  );
}
