/**
 * `/woocommerce/connect/return`: where the store sends the owner after the key approval (`success=1|0`). The
 * approval must have been started in this browser (its cookie); the approved key is then connected exactly like a
 * pasted one and the owner lands on the store's status page, signed in.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, InlineStack, Page } from "@shopify/polaris";
import { finishKeyApproval } from "../integrations/woocommerce-approval.server";
import { wooApp } from "../woocommerce-app.server";
import { createOwnerSession } from "../integrations/woocommerce-session.server";
import { ownerStorePageAfterConnect } from "../components/links";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const app = wooApp();
  const url = new URL(request.url);
  const nonce = (await app.cookies.approval.parse(request.headers.get("Cookie"))) as string | null;
  const result = await finishKeyApproval(app, {
    attemptId: url.searchParams.get("attempt") ?? "",
    browserNonce: nonce,
    approved: url.searchParams.get("success") === "1",
    actor: "woo-owner",
  });
  const clearApproval = await app.cookies.approval.serialize("", { maxAge: 0 });
  if (!result.success) {
    return json({ error: result.error }, { status: 400, headers: { "Set-Cookie": clearApproval } });
  }
  const token = await createOwnerSession(app.db, {
    organizationId: result.organizationId,
    integrationId: result.integrationId,
  });
  const headers = new Headers();
  headers.append("Set-Cookie", clearApproval);
  headers.append("Set-Cookie", await app.cookies.session.serialize(token));
  return redirect(ownerStorePageAfterConnect(result), {
    headers,
  });
};

export default function ApprovalReturn() {
  const { error } = useLoaderData<typeof loader>();
  return (
    <Page title="Connecting your WooCommerce store">
      <Card>
        <BlockStack gap="400">
          <Banner tone="critical" title="The store was not connected">
            <p>{error.message}</p>
          </Banner>
          <InlineStack gap="200">
            <Button url="/woocommerce/connect" variant="primary">
              Try again
            </Button>
          </InlineStack>
        </BlockStack>
      </Card>
    </Page>
  );
}
