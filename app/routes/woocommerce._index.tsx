/** `/woocommerce`: the signed-in owner's WooCommerce stores, as the embedded overview shows stores. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { BlockStack, Button, InlineGrid, Page } from "@shopify/polaris";
import { getJobQueue } from "../queue.server";
import { wooApp } from "../woocommerce-app.server";
import { requireOwner } from "../integrations/woocommerce-session.server";
import { statusContext, listIntegrations } from "../integrations/integrations-view.server";
import { IntegrationCard } from "../components/IntegrationCard";
import { PageError } from "../components/PageError";
import { useLiveRefresh } from "../components/useLiveRefresh";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const app = wooApp();
  const { session } = await requireOwner(app.db, app.cookies, request);
  const context = await statusContext(await getJobQueue(), {
    db: app.db,
    organizationId: session.organizationId,
  });
  const stores = (await listIntegrations(app.db, session.organizationId, context)).filter(
    (i) => i.platform === "woocommerce",
  );
  if (stores.length === 0) throw redirect("/woocommerce/connect");
  return json({ stores });
};

export default function OwnerStores() {
  const { stores } = useLoaderData<typeof loader>();
  useLiveRefresh(stores.some((s) => s.activeRun) ? 2_000 : 15_000);
  return (
    <Page
      title="Your WooCommerce stores"
      primaryAction={{ content: "Connect another store", url: "/woocommerce/connect" }}
      secondaryActions={<SignOut />}
    >
      <BlockStack gap="400">
        <InlineGrid columns={{ xs: 1, md: stores.length > 1 ? 2 : 1 }} gap="400">
          {stores.map((store) => (
            <IntegrationCard
              key={store.id}
              integration={store}
              href={`/woocommerce/stores/${store.id}`}
              headingAs="h2"
            />
          ))}
        </InlineGrid>
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

export function ErrorBoundary() {
  return <PageError homeUrl="/woocommerce" />;
}
