/**
 * `/woocommerce/stores/<id>`: one store for its signed-in WooCommerce owner — the same view as the embedded app's
 * store page (status with its reason, counts, Sync now, live progress, history with errors, webhook activity,
 * Disconnect keeping or deleting the data) plus the store's facts. Another organization's store id is a 404.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Card, InlineStack, Text } from "@shopify/polaris";
import { loadEnv } from "../env.server";
import { isAppError } from "../lib/errors";
import { getPlatforms } from "../platforms.server";
import { getJobQueue } from "../queue.server";
import { wooApp } from "../woocommerce-app.server";
import { runDetailAction } from "../integrations/detail-action.server";
import { platformCleanup } from "../integrations/disconnect.server";
import { statusContext, getIntegration, syncHistory } from "../integrations/integrations-view.server";
import { webhookActivity } from "../integrations/webhook-activity.server";
import { syncScheduleView } from "../integrations/sync-schedule.server";
import { assertSameOrigin, requireOwner } from "../integrations/woocommerce-session.server";
import { ownerStoreDetail } from "../integrations/woocommerce-status.server";
import { IntegrationDetailView } from "../components/IntegrationDetailView";
import { PageError } from "../components/PageError";
import { firstSyncNote, formatDateTime } from "../components/format";

function notFoundAsResponse(error: unknown): never {
  if (isAppError(error, "integration_not_found"))
    throw json({ code: error.code, message: error.message }, { status: 404 });
  throw error;
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const app = wooApp();
  const { session } = await requireOwner(app.db, app.cookies, request);
  const organizationId = session.organizationId;
  const id = params.integrationId ?? "";
  // Only WooCommerce stores here (ownerStoreDetail refuses others): 404 before anything else is read.
  const store = await ownerStoreDetail(app.db, organizationId, id).catch(notFoundAsResponse);
  const context = await statusContext(await getJobQueue(), { db: app.db, organizationId, integrationId: id });
  const [integration, history, webhooks, schedule] = await Promise.all([
    getIntegration(app.db, organizationId, id, context),
    syncHistory(app.db, organizationId, id, { limit: 20 }),
    webhookActivity(app.db, organizationId, id),
    syncScheduleView(app.db, organizationId, id),
  ]).catch(notFoundAsResponse);
  const query = new URL(request.url).searchParams;
  return json({
    integration,
    runs: history.runs,
    webhooks,
    schedule,
    facts: {
      url: store.url,
      readOnly: store.readOnly,
      phpNotice: store.phpNotice,
      wooCommerceVersion: store.wooCommerceVersion,
      currency: store.currency,
      connectedAt: store.connectedAt,
      firstConnectedAt: store.firstConnectedAt,
      disconnectedAt: store.disconnectedAt,
      problems: store.webhooks.problems,
    },
    justConnected: query.has("connected"),
    reconnected: query.has("reconnected"),
    signedIn: query.has("signedin"),
  });
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  assertSameOrigin(request, loadEnv().SHOPIFY_APP_URL);
  const app = wooApp();
  const { session } = await requireOwner(app.db, app.cookies, request);
  const id = params.integrationId ?? "";
  await ownerStoreDetail(app.db, session.organizationId, id).catch(notFoundAsResponse);
  const result = await runDetailAction(
    { db: app.db, queue: await getJobQueue(), cleanupStore: platformCleanup(getPlatforms(), app.db) },
    {
      organizationId: session.organizationId,
      integrationId: id,
      actor: `woo-owner:${session.id}`,
      form: await request.formData(),
    },
  ).catch(notFoundAsResponse);
  return json({ ok: result.ok, message: result.message }, { status: result.status });
};

export default function StoreStatus() {
  const { integration, runs, webhooks, schedule, facts, justConnected, reconnected, signedIn } =
    useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const disconnected = integration.status === "disconnected";
  // A read-only key: what the owner just did is said in the read-only banner, which is the page's one statement of
  // the store's state (a success banner of its own would promise webhooks the key cannot keep).
  const readOnly = facts.readOnly && !disconnected;
  const lead = signedIn
    ? "You are signed in, and the store’s new key is saved."
    : justConnected
      ? `Your store is connected. ${firstSyncNote(integration)}`
      : reconnected
        ? "Your store is connected again. A full sync reads the store again; its progress and result show below."
        : null;
  return (
    <IntegrationDetailView
      integration={integration}
      runs={runs}
      webhooks={webhooks}
      schedule={schedule}
      progressUrl={`/woocommerce/stores/${integration.id}/progress`}
      backAction={{ content: "Your stores", url: "/woocommerce" }}
      actionData={actionData}
      reconnectUrl={`/woocommerce/connect?store=${encodeURIComponent(facts.url)}`}
      readOnlyKey={facts.readOnly}
      readOnlyLead={lead}
      phpNotice={facts.phpNotice}
      banners={
        <>
          {signedIn && !disconnected && !readOnly && (
            <Banner tone="success" title="You are signed in">
              <p>The store's new key is saved; syncs and webhooks carry on with it.</p>
            </Banner>
          )}
          {justConnected && !disconnected && !readOnly && (
            <Banner tone="success" title="Your store is connected">
              <p>{firstSyncNote(integration)}</p>
            </Banner>
          )}
          {reconnected && !disconnected && !readOnly && (
            <Banner tone="success" title="Your store is connected again">
              <p>A full sync reads the store again; its progress and result show below.</p>
            </Banner>
          )}
          {!disconnected &&
            facts.problems
              // A problem that is the store's status reason is already the "needs attention" banner.
              .filter((problem) => !facts.readOnly && problem !== integration.statusReason)
              .map((problem) => (
                <Banner key={problem} tone="warning" title="Webhooks need attention">
                  <p>{problem}</p>
                </Banner>
              ))}
        </>
      }
      aside={
        <Card>
          <BlockStack gap="200">
            <InlineStack gap="200" blockAlign="center">
              <Text as="h2" variant="headingMd">
                Store
              </Text>
              {facts.readOnly && <Badge tone="attention">Read-only key</Badge>}
            </InlineStack>
            <Text as="p" breakWord>
              {facts.url}
            </Text>
            <Text as="p">WooCommerce {facts.wooCommerceVersion ?? "version unknown"}</Text>
            <Text as="p">Currency: {facts.currency ?? "unknown"}</Text>
            {connectionDates(facts).map((line) => (
              <Text as="p" tone="subdued" key={line}>
                {line}
              </Text>
            ))}
          </BlockStack>
        </Card>
      }
    />
  );
}

/**
 * The store's connection dates: the current connection's start (or, disconnected, when it ended), and the first
 * connection's when it was another.
 */
function connectionDates(facts: {
  connectedAt: string;
  firstConnectedAt: string;
  disconnectedAt: string | null;
}): string[] {
  const first = `First connected ${formatDateTime(facts.firstConnectedAt)}`;
  if (facts.disconnectedAt) return [`Disconnected ${formatDateTime(facts.disconnectedAt)}`, first];
  const current = `Connected ${formatDateTime(facts.connectedAt)}`;
  return formatDateTime(facts.connectedAt) === formatDateTime(facts.firstConnectedAt)
    ? [current]
    : [current, first];
}

export function ErrorBoundary() {
  return <PageError homeUrl="/woocommerce" />;
}
