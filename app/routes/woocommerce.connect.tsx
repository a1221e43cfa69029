/**
 * `/woocommerce/connect`: connect a WooCommerce store (or sign back in) — approve a key in the store's WP admin, or
 * paste REST keys. A successful connect signs this browser in to the store's account and opens its status page.
 * `?grant=…` (from the embedded app) connects into the Shopify merchant's organization. Each attempt that would ask
 * the store counts against the connect limits (ADR 0057): over one, the form's banner says when to try again (429).
 */
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, Layout, List, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { ApprovalNeedsHttpsBanner } from "../components/woocommerce-approval-https";
import { WooKeyForm } from "../components/woocommerce-key-form";
import { loadEnv } from "../env.server";
import { approvalHttpsWarning, startKeyApproval } from "../integrations/woocommerce-approval.server";
import { wooApp } from "../woocommerce-app.server";
import {
  connectFailureInit,
  connectWooCommerce,
  type WooConnectResult,
} from "../integrations/woocommerce-connect.server";
import {
  assertSameOrigin,
  createOwnerSession,
  readOrganizationGrant,
  readOwnerSession,
} from "../integrations/woocommerce-session.server";
import { ownerStorePageAfterConnect } from "../components/links";

/** A refused attempt's Retry-After reaches the page's response (Remix keeps only cookies from an action's headers). */
export const headers: HeadersFunction = ({ actionHeaders, parentHeaders }) => {
  const headers = new Headers(parentHeaders);
  const retryAfter = actionHeaders.get("Retry-After");
  if (retryAfter) headers.set("Retry-After", retryAfter);
  return headers;
};

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const app = wooApp();
  const url = new URL(request.url);
  const token = (await app.cookies.session.parse(request.headers.get("Cookie"))) as string | null;
  const session = await readOwnerSession(app.db, token);
  const grant = url.searchParams.get("grant");
  const grantValid = !!readOrganizationGrant(app.keyring, grant);
  return json({
    signedIn: !!session,
    signIn: url.searchParams.has("signin") && !session,
    linkSpent: url.searchParams.get("link") === "spent" && !session,
    grant: grantValid ? grant : null,
    grantExpired: !!grant && !grantValid,
    storeUrl: url.searchParams.get("store") ?? "",
    httpsWarning: approvalHttpsWarning(loadEnv()),
  });
};

type ActionData =
  | { intent: "approve"; error: { code: string; message: string }; values: { storeUrl: string } }
  | (Extract<WooConnectResult, { success: false }> & { intent: "keys"; values: { storeUrl: string } });

export const action = async ({ request, context }: ActionFunctionArgs) => {
  assertSameOrigin(request, loadEnv().SHOPIFY_APP_URL);
  const app = wooApp();
  const form = await request.formData();
  const field = (name: string) => String(form.get(name) ?? "");
  const storeUrl = field("storeUrl");
  // Where new stores go: the merchant's organization (grant), the signed-in owner's, or the store's own.
  const grantOrg = readOrganizationGrant(app.keyring, field("grant") || null);
  const token = (await app.cookies.session.parse(request.headers.get("Cookie"))) as string | null;
  const session = await readOwnerSession(app.db, token);
  const organizationId = grantOrg ?? session?.organizationId ?? null;
  const beforeStoreRequest = app.connectLimit({ clientIp: context.clientIp, organizationId });

  if (field("intent") === "approve") {
    const started = await startKeyApproval(app, {
      storeUrl,
      organizationId,
      returnTo: grantOrg ? "embedded" : "standalone",
      beforeStoreRequest,
    });
    if (!started.success) {
      return json<ActionData>(
        { intent: "approve", error: started.error, values: { storeUrl } },
        connectFailureInit(started),
      );
    }
    return redirect(started.authorizeUrl, {
      headers: { "Set-Cookie": await app.cookies.approval.serialize(started.browserNonce) },
    });
  }

  const result = await connectWooCommerce(app, {
    storeUrl,
    consumerKey: field("consumerKey"),
    consumerSecret: field("consumerSecret"),
    allowReadOnly: field("allowReadOnly") === "1",
    organizationId,
    actor: grantOrg ? "merchant:woocommerce-connect" : "woo-owner",
    beforeStoreRequest,
  });
  if (!result.success) {
    return json<ActionData>({ ...result, intent: "keys", values: { storeUrl } }, connectFailureInit(result));
  }
  const sessionToken = await createOwnerSession(app.db, {
    organizationId: result.organizationId,
    integrationId: result.integrationId,
  });
  return redirect(ownerStorePageAfterConnect(result), {
    headers: { "Set-Cookie": await app.cookies.session.serialize(sessionToken) },
  });
};

export default function ConnectWooCommerce() {
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" ? String(navigation.formData?.get("intent") ?? "") : "";
  const [storeUrl, setStoreUrl] = useState(result?.values.storeUrl ?? loaded.storeUrl);
  const approveError = result?.intent === "approve" ? result.error : null;

  return (
    <Page
      title={loaded.signIn ? "Sign in with your WooCommerce store" : "Connect your WooCommerce store"}
      subtitle="Customers, orders and products flow into Commerce Sync within a minute, then stay current."
      backAction={loaded.signedIn ? { content: "Your stores", url: "/woocommerce" } : undefined}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {loaded.signIn && !loaded.linkSpent && (
              <Banner tone="info" title="Sign in by connecting again">
                <p>
                  Approve a key in your store, or paste a key: whoever controls the store can open its
                  account.
                </p>
              </Banner>
            )}
            {loaded.linkSpent && (
              <Banner tone="warning" title="This sign-in link was already used or has expired">
                <p>
                  A sign-in link opens your stores once, within 30 minutes. Sign in through your store below.
                </p>
              </Banner>
            )}
            {loaded.grantExpired && (
              <Banner tone="warning" title="This link expired">
                <p>Open “Connect WooCommerce” in the Shopify app again to connect into your account.</p>
              </Banner>
            )}
            <Card>
              <Form method="post" aria-label="Approve a key in your store">
                <BlockStack gap="400">
                  <Text as="h2" variant="headingMd">
                    Approve in your WordPress admin (recommended)
                  </Text>
                  <Text as="p" tone="subdued">
                    You will be sent to your store to log in and approve a Read/Write key for Commerce Sync.
                    Nothing to copy.
                  </Text>
                  {loaded.httpsWarning && <ApprovalNeedsHttpsBanner warning={loaded.httpsWarning} />}
                  {approveError && (
                    <Banner tone="critical" title="We could not start the approval">
                      <p>{approveError.message}</p>
                    </Banner>
                  )}
                  <input type="hidden" name="intent" value="approve" />
                  {loaded.grant && <input type="hidden" name="grant" value={loaded.grant} />}
                  <TextField
                    label="Store address"
                    name="storeUrl"
                    value={storeUrl}
                    onChange={setStoreUrl}
                    placeholder="https://mystore.com"
                    autoComplete="url"
                    helpText="The address of your store's home page (https://…)."
                  />
                  <Box>
                    <Button submit variant="primary" loading={busy === "approve"}>
                      Approve in WooCommerce
                    </Button>
                  </Box>
                </BlockStack>
              </Form>
            </Card>
            <WooKeyForm
              failure={result?.intent === "keys" ? result : null}
              busy={busy === "keys"}
              storeUrl={storeUrl}
              onStoreUrlChange={setStoreUrl}
              hidden={{ intent: "keys", ...(loaded.grant ? { grant: loaded.grant } : {}) }}
            />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Creating a key by hand
              </Text>
              <List type="number">
                <List.Item>In WordPress, open WooCommerce → Settings → Advanced → REST API.</List.Item>
                <List.Item>Add a key for an administrator, with Read/Write permission.</List.Item>
                <List.Item>Copy the consumer key and secret here (the secret is shown only once).</List.Item>
              </List>
              <Text as="p" tone="subdued">
                Keys are stored encrypted. A read-only key works too, with scheduled syncs instead of
                real-time updates.
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
