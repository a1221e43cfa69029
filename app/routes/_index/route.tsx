import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import {
  AppProvider as PolarisAppProvider,
  BlockStack,
  Box,
  Button,
  Card,
  InlineGrid,
  InlineStack,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import polarisTranslations from "@shopify/polaris/locales/en.json";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { useState } from "react";
import { login } from "../../shopify.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];
export const meta: MetaFunction = () => [
  { title: "Commerce Sync — Shopify and WooCommerce customers, orders and products in one place" },
];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  // Opened from the Shopify admin (or an install link): go straight to the embedded app.
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  return json({ showForm: Boolean(login), polarisTranslations });
};

const FEATURES = [
  {
    title: "Every store, one contact list",
    body: "Customers from Shopify and WooCommerce are merged by email within your organization, with their consent state.",
  },
  {
    title: "Orders and products, exact",
    body: "Orders with line items, financial and fulfillment status, and products with variants — money kept to the cent.",
  },
  {
    title: "Always current",
    body: "Full and incremental syncs, webhooks for real-time changes, and scheduled reconciliation for anything missed.",
  },
];

/** Public landing page, shown outside the Shopify admin. */
export default function Landing() {
  const { showForm, polarisTranslations: i18n } = useLoaderData<typeof loader>();
  const [shop, setShop] = useState("");
  return (
    <PolarisAppProvider i18n={i18n}>
      <main>
        <Page
          title="Commerce Sync"
          subtitle="Connect your online store to your support & marketing platform."
        >
          <BlockStack gap="500">
            <InlineGrid columns={{ xs: 1, md: 3 }} gap="400">
              {FEATURES.map((f) => (
                <Card key={f.title}>
                  <BlockStack gap="200">
                    <Text as="h2" variant="headingMd">
                      {f.title}
                    </Text>
                    <Text as="p" tone="subdued">
                      {f.body}
                    </Text>
                  </BlockStack>
                </Card>
              ))}
            </InlineGrid>
            <Card>
              <InlineStack align="space-between" blockAlign="center" gap="300">
                <BlockStack gap="100">
                  <Text as="h2" variant="headingMd">
                    Running WooCommerce?
                  </Text>
                  <Text as="p" tone="subdued">
                    Connect your store with one click in your WP admin, or with REST API keys. No Shopify
                    needed.
                  </Text>
                </BlockStack>
                <Button url="/woocommerce/connect">Connect WooCommerce</Button>
              </InlineStack>
            </Card>
            {showForm && (
              <Card>
                <Form method="post" action="/auth/login">
                  <BlockStack gap="300">
                    <Text as="h2" variant="headingMd">
                      Install on Shopify
                    </Text>
                    <TextField
                      label="Shop domain"
                      name="shop"
                      helpText="e.g. my-store.myshopify.com"
                      value={shop}
                      onChange={setShop}
                      autoComplete="on"
                    />
                    <Box>
                      <Button submit variant="primary">
                        Log in
                      </Button>
                    </Box>
                  </BlockStack>
                </Form>
              </Card>
            )}
          </BlockStack>
        </Page>
      </main>
    </PolarisAppProvider>
  );
}
