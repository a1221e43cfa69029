/**
 * `/app/woocommerce/connect`: "Connect WooCommerce" inside the embedded Shopify app. The store joins the shop's
 * organization, so its customers merge with the Shopify ones by email. Pasted keys connect here; the key approval
 * needs a top-level window (WordPress's login page cannot be framed), so it opens the standalone connect page with a
 * short-lived grant for this organization.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, Layout, Page, Text, TextField } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { useState } from "react";
import { wooApp } from "../integrations/woocommerce-app.server";
import { connectWooCommerce } from "../integrations/woocommerce-connect.server";
import { signOrganizationGrant } from "../integrations/woocommerce-session.server";
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

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { app, organizationId } = await shopOrganization(request);
  return json({
    approveUrl: `/woocommerce/connect?grant=${signOrganizationGrant(app.keyring, organizationId)}`,
  });
};

export const action = async ({ request }: ActionFunctionArgs) => {
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
  });
  return json(result, { status: result.success ? 200 : 400 });
};

export default function EmbeddedConnectWooCommerce() {
  const { approveUrl } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const [storeUrl, setStoreUrl] = useState("");
  const [consumerKey, setConsumerKey] = useState("");
  const [consumerSecret, setConsumerSecret] = useState("");
  const error = result && !result.success ? result.error : null;
  const readOnly = !!result && !result.success && !!result.needsReadOnlyConfirmation;
  // A problem with one field is shown on that field; anything else (and the read-only question) in a banner.
  const fieldError = (name: string) => (!readOnly && error?.field === name ? error.message : undefined);

  return (
    <Page backAction={{ content: "Dashboard", url: "/app" }}>
      <TitleBar title="Connect WooCommerce" />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.success && (
              <Banner tone="success" title={`${result.store.name} is connected`}>
                <p>
                  WooCommerce {result.store.wooCommerceVersion} · {result.store.currency}. The first sync is
                  running; its customers merge with your Shopify contacts by email.
                  {result.readOnly ? " Read-only key: changes arrive with the scheduled syncs." : ""}
                </p>
              </Banner>
            )}
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Approve in your WordPress admin
                </Text>
                <Text as="p" tone="subdued">
                  Opens your store in a new tab to log in and approve a key; you come back to the store's
                  status page.
                </Text>
                <Box>
                  <Button url={approveUrl} target="_blank" variant="primary">
                    Approve in WooCommerce
                  </Button>
                </Box>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="400">
                {error && (readOnly || !error.field) && (
                  <Banner
                    tone={
                      result && !result.success && result.needsReadOnlyConfirmation ? "warning" : "critical"
                    }
                  >
                    <BlockStack gap="200">
                      <p>{error.message}</p>
                      {result && !result.success && result.needsReadOnlyConfirmation && (
                        <Box>
                          <ContinueReadOnly
                            storeUrl={storeUrl}
                            consumerKey={consumerKey}
                            consumerSecret={consumerSecret}
                            busy={busy}
                          />
                        </Box>
                      )}
                    </BlockStack>
                  </Banner>
                )}
                <Form method="post" aria-label="Paste REST API keys">
                  <BlockStack gap="400">
                    <Text as="h2" variant="headingMd">
                      Or paste REST API keys
                    </Text>
                    <TextField
                      label="Store address"
                      name="storeUrl"
                      value={storeUrl}
                      onChange={setStoreUrl}
                      placeholder="https://mystore.com"
                      autoComplete="url"
                      error={fieldError("storeUrl")}
                    />
                    <TextField
                      label="Consumer key"
                      name="consumerKey"
                      value={consumerKey}
                      onChange={setConsumerKey}
                      autoComplete="off"
                      monospaced
                      error={fieldError("consumerKey")}
                    />
                    <TextField
                      label="Consumer secret"
                      name="consumerSecret"
                      type="password"
                      value={consumerSecret}
                      onChange={setConsumerSecret}
                      autoComplete="off"
                      monospaced
                      error={fieldError("consumerSecret")}
                    />
                    <Box>
                      <Button submit loading={busy}>
                        Connect
                      </Button>
                    </Box>
                  </BlockStack>
                </Form>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

/** Re-sends the same key with the owner's consent to a read-only connection. */
function ContinueReadOnly(props: {
  storeUrl: string;
  consumerKey: string;
  consumerSecret: string;
  busy: boolean;
  grant?: string | null;
}) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="keys" />
      <input type="hidden" name="allowReadOnly" value="1" />
      <input type="hidden" name="storeUrl" value={props.storeUrl} />
      <input type="hidden" name="consumerKey" value={props.consumerKey} />
      <input type="hidden" name="consumerSecret" value={props.consumerSecret} />
      {props.grant && <input type="hidden" name="grant" value={props.grant} />}
      <Button submit loading={props.busy}>
        Continue read-only
      </Button>
    </Form>
  );
}
