/**
 * `/woocommerce/stores/<id>`: one store's status for its signed-in owner — counts, the sync in progress and recent
 * syncs, webhook health — with "sync now", "full re-sync" and "disconnect". Another organization's store id is a 404.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  DataTable,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  ProgressBar,
  Text,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { StatusBadge, formatTime, humanize } from "../components/woocommerce-status";
import { loadEnv } from "../env.server";
import { isAppError } from "../lib/errors";
import { wooApp } from "../woocommerce-app.server";
import { assertSameOrigin, requireOwner } from "../integrations/woocommerce-session.server";
import { ownerStoreDetail } from "../integrations/woocommerce-status.server";

async function detailOr404(organizationId: string, integrationId: string) {
  try {
    return await ownerStoreDetail(wooApp().db, organizationId, integrationId);
  } catch (error) {
    if (isAppError(error, "integration_not_found")) throw new Response(error.message, { status: 404 });
    throw error;
  }
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const app = wooApp();
  const { session } = await requireOwner(app.db, app.cookies, request);
  const store = await detailOr404(session.organizationId, params.integrationId ?? "");
  const query = new URL(request.url).searchParams;
  return json({ store, justConnected: query.has("connected"), signedIn: query.has("signedin") });
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  assertSameOrigin(request, loadEnv().SHOPIFY_APP_URL);
  const app = wooApp();
  const { session } = await requireOwner(app.db, app.cookies, request);
  const store = await detailOr404(session.organizationId, params.integrationId ?? "");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  if (intent === "sync" || intent === "full-sync") {
    if (store.status === "disconnected")
      return json({ message: "Reconnect the store before syncing it." }, 400);
    await app.enqueueSync(store.id, { full: intent === "full-sync", triggeredBy: "woo-owner" });
    return json({ message: intent === "full-sync" ? "A full re-sync is queued." : "A sync is queued." });
  }
  if (intent === "disconnect") {
    await app.disconnect({
      organizationId: session.organizationId,
      integrationId: store.id,
      keepData: form.get("deleteData") !== "1",
      actor: `woo-owner:${session.id}`,
    });
    return redirect("/woocommerce");
  }
  return json({ message: "Unknown action." }, 400);
};

export default function StoreStatus() {
  const { store, justConnected, signedIn } = useLoaderData<typeof loader>();
  const done = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" ? String(navigation.formData?.get("intent") ?? "") : "";
  const [deleteData, setDeleteData] = useState(false);
  const revalidator = useRevalidator();
  const live = store.running !== null || store.status === "syncing";
  useEffect(() => {
    // Follow a running sync without a reload.
    if (!live) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 2000);
    return () => clearInterval(timer);
  }, [live, revalidator]);
  const disconnected = store.status === "disconnected";

  return (
    <Page
      title={store.name}
      subtitle={store.url}
      titleMetadata={<StatusBadge status={store.status} />}
      backAction={{ content: "Your stores", url: "/woocommerce" }}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {signedIn && (
              <Banner tone="success" title="You are signed in">
                <p>The store's new key is saved; syncs and webhooks carry on with it.</p>
              </Banner>
            )}
            {justConnected && (
              <Banner tone="success" title="Your store is connected">
                <p>The first sync has started; counts below fill in as it runs.</p>
              </Banner>
            )}
            {done && "message" in done && <Banner tone="info">{done.message}</Banner>}
            {store.statusReason && store.status !== "connected" && (
              <Banner tone={disconnected ? "info" : "warning"}>{store.statusReason}</Banner>
            )}
            <InlineGrid columns={{ xs: 1, sm: 3 }} gap="400">
              <Count label="Contacts" value={store.counts.contacts} />
              <Count label="Orders" value={store.counts.orders} />
              <Count label="Products" value={store.counts.products} />
            </InlineGrid>
            {store.running && (
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    {humanize(store.running.kind)} sync in progress
                    {store.running.currentResource ? ` — ${store.running.currentResource}` : ""}
                  </Text>
                  <ProgressBar
                    progress={
                      store.running.total
                        ? Math.min(100, (100 * store.running.done) / store.running.total)
                        : 0
                    }
                  />
                  <Text as="p" tone="subdued">
                    {store.running.done.toLocaleString("en-US")}
                    {store.running.total ? ` of ${store.running.total.toLocaleString("en-US")}` : ""} records
                  </Text>
                </BlockStack>
              </Card>
            )}
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Recent syncs
                </Text>
                {store.runs.length === 0 ? (
                  <Text as="p" tone="subdued">
                    No sync has run yet.
                  </Text>
                ) : (
                  <DataTable
                    columnContentTypes={["text", "text", "text", "numeric", "numeric", "numeric", "numeric"]}
                    headings={["Started", "Kind", "Status", "Contacts", "Orders", "Products", "Failed"]}
                    rows={store.runs.map((r) => [
                      formatTime(r.startedAt),
                      humanize(r.kind),
                      <StatusBadge key={r.id} status={r.status} />,
                      r.synced.contacts,
                      r.synced.orders,
                      r.synced.products,
                      r.failed,
                    ])}
                  />
                )}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Real-time updates (webhooks)
                </Text>
                {store.readOnly ? (
                  <Text as="p">
                    This store is connected with a read-only key, so WooCommerce cannot send webhooks: changes
                    arrive with the scheduled syncs. Reconnect with a Read/Write key for real-time updates.
                  </Text>
                ) : (
                  <Text as="p">
                    {store.webhooks.checkedAt
                      ? `${store.webhooks.healthy + store.webhooks.repaired.length} of ${store.webhooks.topics} webhooks active at the last check (${formatTime(store.webhooks.checkedAt)}).`
                      : `${store.webhooks.topics} webhooks registered at connect; checked before every scheduled sync.`}{" "}
                    Last 24 hours: {store.webhooks.last24h.received} received,{" "}
                    {store.webhooks.last24h.processed} applied, {store.webhooks.last24h.failed} failed.
                  </Text>
                )}
                {store.webhooks.repaired.length > 0 && (
                  <Banner tone="info" title="Repaired at the last check">
                    <ul>
                      {store.webhooks.repaired.map((r) => (
                        <li key={r.topic}>
                          {r.topic}: {r.action} ({r.reason}); missed changes were synced.
                        </li>
                      ))}
                    </ul>
                  </Banner>
                )}
                {store.webhooks.problems.map((p) => (
                  <Banner key={p} tone="warning">
                    {p}
                  </Banner>
                ))}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Store
                </Text>
                <Text as="p">WooCommerce {store.wooCommerceVersion ?? "version unknown"}</Text>
                <Text as="p">Currency: {store.currency ?? "unknown"}</Text>
                <Text as="p">Connected {formatTime(store.connectedAt)}</Text>
                <Text as="p">Last sync: {formatTime(store.lastSyncAt)}</Text>
              </BlockStack>
            </Card>
            {!disconnected && (
              <Card>
                <BlockStack gap="300">
                  <InlineStack gap="200">
                    <Form method="post">
                      <input type="hidden" name="intent" value="sync" />
                      <Button submit loading={busy === "sync"} variant="primary">
                        Sync now
                      </Button>
                    </Form>
                    <Form method="post">
                      <input type="hidden" name="intent" value="full-sync" />
                      <Button submit loading={busy === "full-sync"}>
                        Full re-sync
                      </Button>
                    </Form>
                  </InlineStack>
                  <Form method="post">
                    <BlockStack gap="200">
                      <Checkbox
                        label="Also delete the contacts, orders and products synced from this store"
                        checked={deleteData}
                        onChange={setDeleteData}
                      />
                      <input type="hidden" name="intent" value="disconnect" />
                      <input type="hidden" name="deleteData" value={deleteData ? "1" : "0"} />
                      <Box>
                        <Button submit tone="critical" loading={busy === "disconnect"}>
                          Disconnect
                        </Button>
                      </Box>
                    </BlockStack>
                  </Form>
                </BlockStack>
              </Card>
            )}
            {disconnected && (
              <Card>
                <BlockStack gap="200">
                  <Text as="p">This store is disconnected.</Text>
                  <Button url={`/woocommerce/connect?store=${encodeURIComponent(store.url)}`}>
                    Reconnect
                  </Button>
                </BlockStack>
              </Card>
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function Count({ label, value }: { label: string; value: number }) {
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
