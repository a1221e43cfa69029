import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { embeddedContext, rethrowAsResponse } from "../embedded.server";
import { platformCleanup } from "../integrations/disconnect.server";
import { runDetailAction } from "../integrations/detail-action.server";
import { getPlatforms } from "../platforms.server";
import { shopifyServices } from "../shopify-services.server";
import { otherShopSentence, reconnectShopifyStore } from "../integrations/shopify-reconnect.server";
import { statusContext, getIntegration, syncHistory } from "../integrations/integrations-view.server";
import { webhookActivity } from "../integrations/webhook-activity.server";
import { syncScheduleView } from "../integrations/sync-schedule.server";
import { wooStoreNotes } from "../integrations/woocommerce-status.server";
import { IntegrationDetailView } from "../components/IntegrationDetailView";
import { PageError } from "../components/PageError";
import { reconnectWooCommerceUrl } from "../components/links";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { db, organization, queue, shop } = await embeddedContext(request);
  const id = params.id ?? "";
  const context = await statusContext(await queue(), {
    db,
    organizationId: organization.organizationId,
    integrationId: id,
  });
  const [integration, history, webhooks, schedule, notes] = await Promise.all([
    getIntegration(db, organization.organizationId, id, context),
    syncHistory(db, organization.organizationId, id, { limit: 20 }),
    webhookActivity(db, organization.organizationId, id),
    syncScheduleView(db, organization.organizationId, id),
    wooStoreNotes(db, organization.organizationId, id),
  ]).catch(rethrowAsResponse);
  // A disconnected Shopify store comes back from its own shop's admin (the session is that shop's).
  const shopify = integration.platform === "shopify";
  const ownShop = shopify && integration.storeKey === shop;
  const reconnectNote = shopify && !ownShop ? otherShopSentence(integration.storeKey) : null;
  return json({ integration, runs: history.runs, webhooks, schedule, ownShop, reconnectNote, ...notes });
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { db, organization, queue, actor, shop, scope, renewAccess } = await embeddedContext(request);
  const base = { organizationId: organization.organizationId, integrationId: params.id ?? "", actor };
  const result = await runDetailAction(
    {
      db,
      queue: await queue(),
      cleanupStore: platformCleanup(getPlatforms(), db),
      // Refuses another shop's store, a connected one, a WooCommerce one (reconnected on its connect page).
      reconnect: () =>
        reconnectShopifyStore(
          { db, install: shopifyServices().install, renewAccess },
          { ...base, shop, scope },
        ),
    },
    { ...base, form: await request.formData() },
  ).catch(rethrowAsResponse);
  return json({ ok: result.ok, message: result.message }, { status: result.status });
};

/**
 * One store: status, live sync progress, "Sync now", sync history, webhook activity, automatic syncs, disconnect, and
 * Reconnect once disconnected (this shop's Shopify store in place, a WooCommerce store on its connect page).
 */
export default function IntegrationDetail() {
  const { integration, runs, webhooks, schedule, ownShop, reconnectNote, readOnlyKey, phpNotice } =
    useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <IntegrationDetailView
      integration={integration}
      runs={runs}
      webhooks={webhooks}
      schedule={schedule}
      progressUrl={`/app/integrations/${integration.id}/progress`}
      backAction={{ content: "Overview", url: "/app" }}
      actionData={actionData}
      reconnectUrl={
        integration.platform === "woocommerce" ? reconnectWooCommerceUrl(integration.storeKey) : undefined
      }
      reconnectInPlace={ownShop}
      reconnectNote={reconnectNote}
      readOnlyKey={readOnlyKey}
      phpNotice={phpNotice}
    />
  );
}

export function ErrorBoundary() {
  return <PageError />;
}
