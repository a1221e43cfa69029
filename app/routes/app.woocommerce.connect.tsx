/**
 * `/app/woocommerce/connect`: "Connect WooCommerce" inside the embedded Shopify app. The store joins the shop's
 * organization, so its customers merge with the Shopify ones by email. Pasted keys connect here; the key approval
 * needs a top-level window (WordPress's login page cannot be framed), so it opens the standalone connect page with a
 * short-lived grant for this organization. After a connect, the banner links to the new store's page and the pasted
 * key and secret are cleared from the form. Connects count against the connect limits (ADR 0057).
 */
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, Layout, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { useEffect, useState } from "react";
import { connectSyncNote } from "../components/format";
import { integrationPageUrl } from "../components/links";
import { ApprovalNeedsHttpsBanner } from "../components/woocommerce-approval-https";
import { WooKeyForm } from "../components/woocommerce-key-form";
import { wooApp } from "../woocommerce-app.server";
import { loadEnv } from "../env.server";
import { approvalHttpsWarning } from "../integrations/woocommerce-approval.server";
import { connectFailureInit, connectWooCommerce } from "../integrations/woocommerce-connect.server";
import { signOrganizationGrant } from "../integrations/woocommerce-session.server";
import { boundary } from "@shopify/shopify-app-remix/server";
import { authenticate } from "../shopify.server";

async function shopOrganization(request: Request) {
  const { session } = await authenticate.admin(request);
  const app = wooApp();
  const shop = await app.db.integration.findUnique({
    where: { platform_storeKey: { platform: "shopify", storeKey: session.shop } },
    select: { organizationId: true },
  });
  if (!shop)
    throw new Response("This shop has no Commerce Sync account yet. Reload the app.", { status: 409 });
  return { app, shop: session.shop, organizationId: shop.organizationId };
}

/** As the embedded layout's, plus this action's headers: a refused attempt's Retry-After reaches the response. */
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { app, organizationId } = await shopOrganization(request);
  return json({
    approveUrl: `/woocommerce/connect?grant=${signOrganizationGrant(app.keyring, organizationId)}`,
    httpsWarning: approvalHttpsWarning(loadEnv()),
    // A store's "Reconnect" (it needs attention) opens this page with its address.
    storeUrl: new URL(request.url).searchParams.get("store") ?? "",
  });
};

export const action = async ({ request, context }: ActionFunctionArgs) => {
  const { app, shop, organizationId } = await shopOrganization(request);
  const form = await request.formData();
  const field = (name: string) => String(form.get(name) ?? "");
  const result = await connectWooCommerce(app, {
    storeUrl: field("storeUrl"),
    consumerKey: field("consumerKey"),
    consumerSecret: field("consumerSecret"),
    allowReadOnly: field("allowReadOnly") === "1",
    organizationId,
    actor: `merchant:${shop}`,
    beforeStoreRequest: app.connectLimit({ clientIp: context.clientIp, organizationId }),
  });
  return json(result, result.success ? { status: 200 } : connectFailureInit(result));
};

export default function EmbeddedConnectWooCommerce() {
  const { approveUrl, httpsWarning, storeUrl: initialStoreUrl } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const [storeUrl, setStoreUrl] = useState(initialStoreUrl);
  // Each successful connect empties the form (a fresh one): the secret never stays in the page.
  const [keyForm, setKeyForm] = useState(0);
  useEffect(() => {
    if (!result?.success) return;
    setStoreUrl("");
    setKeyForm((n) => n + 1);
  }, [result]);

  return (
    <Page
      title="Connect WooCommerce"
      subtitle="Your WooCommerce customers merge with your Shopify contacts by email."
      backAction={{ content: "Overview", url: "/app" }}
    >
      <TitleBar title="Connect WooCommerce" />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.success && (
              <Banner
                tone="success"
                title={`${result.store.name} is connected`}
                action={{ content: "View store details", url: integrationPageUrl(result.integrationId) }}
              >
                <p>
                  WooCommerce {result.store.wooCommerceVersion} · {result.store.currency}.{" "}
                  {connectSyncNote(result)} (follow it on the store&rsquo;s details); its customers merge with
                  your Shopify contacts by email.
                  {result.readOnly ? " Read-only key: changes arrive with the scheduled syncs." : ""}
                  {result.store.phpNotice
                    ? " The store prints PHP notices into its API answers; its details say what to change."
                    : ""}
                </p>
              </Banner>
            )}
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Approve in your WordPress admin
                </Text>
                <Text as="p" tone="subdued">
                  Opens a new tab where you enter your store's address, log in to WordPress and approve a key;
                  the tab then shows the store's status page.
                </Text>
                {httpsWarning && <ApprovalNeedsHttpsBanner warning={httpsWarning} />}
                <Box>
                  <Button url={approveUrl} target="_blank" variant="primary">
                    Approve in WooCommerce
                  </Button>
                </Box>
              </BlockStack>
            </Card>
            <WooKeyForm
              key={keyForm}
              failure={result && !result.success ? result : null}
              busy={busy}
              storeUrl={storeUrl}
              onStoreUrlChange={setStoreUrl}
            />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
