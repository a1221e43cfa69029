import { useEffect, useRef, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import {
  useActionData,
  useFetcher,
  useLoaderData,
  useNavigation,
  useRevalidator,
  useSubmit,
} from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Card,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Text,
  Toast,
} from "@shopify/polaris";
import { z } from "zod";
import { embeddedContext, rethrowAsResponse } from "../embedded.server";
import { isAppError } from "../lib/errors";
import { disconnectIntegration, platformCleanup } from "../integrations/disconnect.server";
import { getPlatforms } from "../platforms.server";
import { failedJobNotices, getIntegration, syncHistory } from "../integrations/integrations-view.server";
import { requestSync } from "../integrations/sync-request.server";
import { webhookActivity } from "../integrations/webhook-activity.server";
import { CopyableId } from "../components/CopyableId";
import { DisconnectModal } from "../components/DisconnectModal";
import { PageError } from "../components/PageError";
import { IntegrationStatusBadge } from "../components/StatusBadge";
import { SyncHistory } from "../components/SyncHistory";
import { SyncProgress } from "../components/SyncProgress";
import { WebhookActivityCard } from "../components/WebhookActivityCard";
import { formatCount, formatDateTime, platformLabel } from "../components/format";
import type { loader as progressLoader } from "./app.integrations.$id.progress";

const PROGRESS_POLL_MS = 1_000;

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { db, organization, queue } = await embeddedContext(request);
  const id = params.id ?? "";
  const failedJobs = failedJobNotices(await (await queue()).failedJobs(50));
  const [integration, history, webhooks] = await Promise.all([
    getIntegration(db, organization.organizationId, id, { failedJobs }),
    syncHistory(db, organization.organizationId, id, { limit: 20 }),
    webhookActivity(db, organization.organizationId, id),
  ]).catch(rethrowAsResponse);
  return json({ integration, runs: history.runs, webhooks });
};

const actionInput = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("sync"), kind: z.enum(["full", "incremental"]) }),
  z.object({ intent: z.literal("disconnect"), keepData: z.enum(["true", "false"]) }),
]);

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { db, organization, queue, actor } = await embeddedContext(request);
  const parsed = actionInput.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json({ ok: false, message: "That action is not available." }, { status: 400 });
  const base = { organizationId: organization.organizationId, integrationId: params.id ?? "", actor };
  if (parsed.data.intent === "sync") {
    const result = await requestSync({ db, queue: await queue() }, { ...base, kind: parsed.data.kind }).catch(
      (error: unknown) => {
        // A disconnected store: say so on the page (404s and unexpected errors go to the ErrorBoundary).
        if (isAppError(error, "integration_disconnected")) return error;
        return rethrowAsResponse(error);
      },
    );
    if (result instanceof Error) return json({ ok: false, message: result.message }, { status: 409 });
    return json({
      ok: true,
      message: result.queued
        ? `${parsed.data.kind === "full" ? "Full" : "Incremental"} sync started`
        : "A sync of this store is already waiting to run",
    });
  }
  const result = await disconnectIntegration(
    { db, queue: await queue(), cleanupStore: platformCleanup(getPlatforms(), db) },
    { ...base, keepData: parsed.data.keepData === "true" },
  ).catch(rethrowAsResponse);
  return json({
    ok: true,
    message:
      result.data === "kept"
        ? "Store disconnected; its data was kept"
        : result.data === "deleted"
          ? "Store disconnected and its data deleted"
          : "Store disconnected; its data is deleted when the current sync stops",
  });
};

/** Follows a running sync: polls the progress endpoint and refreshes the page when the run ends. */
function useLiveProgress(
  id: string,
  initial: ReturnType<typeof useLoaderData<typeof loader>>["integration"],
) {
  const fetcher = useFetcher<typeof progressLoader>();
  const revalidator = useRevalidator();
  const live = fetcher.data ?? initial;
  const active = !!live.activeRun;
  const wasActive = useRef(active);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible" && fetcher.state === "idle")
        fetcher.load(`/app/integrations/${id}/progress`);
    }, PROGRESS_POLL_MS);
    return () => clearInterval(timer);
  }, [active, id, fetcher]);
  useEffect(() => {
    // The run just finished: reload history and webhook activity once.
    if (wasActive.current && !active && revalidator.state === "idle") revalidator.revalidate();
    wasActive.current = active;
  }, [active, revalidator]);
  return { ...initial, ...live };
}

/** The history with the running run's live numbers (and the run itself when it started after the page loaded). */
function withLiveRun<R extends { id: string }>(runs: R[], live: R | null): R[] {
  if (!live) return runs;
  return runs.some((r) => r.id === live.id)
    ? runs.map((r) => (r.id === live.id ? live : r))
    : [live, ...runs];
}

/** One store: status, live sync progress, "Sync now", sync history, webhook activity, disconnect. */
export default function IntegrationDetail() {
  const { integration: initial, runs, webhooks } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const integration = useLiveProgress(initial.id, initial);
  const [disconnectOpen, setDisconnectOpen] = useState(false);
  const [toast, setToast] = useState<string | null>(null);
  useEffect(() => {
    if (actionData?.message) {
      setToast(actionData.message);
      setDisconnectOpen(false);
    }
  }, [actionData]);
  const busyIntent = navigation.state !== "idle" ? navigation.formData?.get("intent") : null;
  const disconnected = integration.status === "disconnected";
  const syncNow = (kind: "full" | "incremental") => submit({ intent: "sync", kind }, { method: "post" });

  return (
    <Page
      backAction={{ content: "Overview", url: "/app" }}
      title={integration.name}
      titleMetadata={<IntegrationStatusBadge status={integration.status} />}
      subtitle={`${platformLabel(integration.platform)} · ${integration.storeKey}`}
      primaryAction={{
        content: "Sync now",
        disabled: disconnected || !!integration.activeRun,
        loading: busyIntent === "sync",
        onAction: () => syncNow("incremental"),
        helpText: "Fetch what changed since the last sync",
      }}
      secondaryActions={[
        {
          content: "Full re-sync",
          disabled: disconnected || !!integration.activeRun,
          onAction: () => syncNow("full"),
        },
        {
          content: "Disconnect",
          destructive: true,
          disabled: disconnected,
          onAction: () => setDisconnectOpen(true),
        },
      ]}
    >
      <BlockStack gap="500">
        {integration.status === "needs_attention" && (
          <Banner tone="critical" title="This store needs attention">
            <p>{integration.statusReason}</p>
          </Banner>
        )}
        {disconnected && (
          <Banner tone="info" title="This store no longer syncs">
            <p>{integration.statusReason ?? "This store no longer syncs."}</p>
          </Banner>
        )}
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              <Card>
                <BlockStack gap="300">
                  <InlineGrid columns={{ xs: 1, sm: 3 }} gap="300">
                    {(
                      [
                        ["Contacts", integration.syncedContacts],
                        ["Orders", integration.syncedOrders],
                        ["Products", integration.syncedProducts],
                      ] as const
                    ).map(([label, value]) => (
                      <BlockStack key={label} gap="050">
                        <Text as="span" tone="subdued">
                          {label}
                        </Text>
                        <Text as="span" variant="headingLg">
                          {formatCount(value)}
                        </Text>
                      </BlockStack>
                    ))}
                  </InlineGrid>
                  <Text as="p" tone="subdued">
                    Last sync: {formatDateTime(integration.lastSyncAt)}
                  </Text>
                  <CopyableId id={integration.id} />
                </BlockStack>
              </Card>
              {integration.activeRun && (
                <Card>
                  <BlockStack gap="300">
                    <InlineStack align="space-between">
                      <Text as="h2" variant="headingMd">
                        Syncing now
                      </Text>
                    </InlineStack>
                    <SyncProgress run={integration.activeRun} />
                  </BlockStack>
                </Card>
              )}
              <SyncHistory runs={withLiveRun(runs, integration.activeRun)} />
              <WebhookActivityCard activity={webhooks} />
            </BlockStack>
          </Layout.Section>
        </Layout>
      </BlockStack>
      <DisconnectModal
        open={disconnectOpen}
        storeName={integration.name}
        platform={integration.platform}
        busy={busyIntent === "disconnect"}
        onClose={() => setDisconnectOpen(false)}
        onConfirm={(keepData) =>
          submit({ intent: "disconnect", keepData: String(keepData) }, { method: "post" })
        }
      />
      {toast && <Toast content={toast} error={actionData?.ok === false} onDismiss={() => setToast(null)} />}
    </Page>
  );
}

export function ErrorBoundary() {
  return <PageError />;
}
