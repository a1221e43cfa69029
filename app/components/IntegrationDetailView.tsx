import { useEffect, useRef, useState, type ReactNode } from "react";
import { useFetcher, useNavigation, useRevalidator, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Card, InlineGrid, InlineStack, Page, Text, Toast } from "@shopify/polaris";
import type { IntegrationListItem, LiveProgress } from "../integrations/integrations-view.server";
import type { SyncRunView } from "../integrations/sync-runs.server";
import type { SyncScheduleView } from "../integrations/sync-schedule.server";
import type { WebhookActivity } from "../integrations/webhook-activity.server";
import { CopyableId } from "./CopyableId";
import { DisconnectModal } from "./DisconnectModal";
import { IntegrationStatusBadge } from "./StatusBadge";
import { SyncHistory } from "./SyncHistory";
import { SyncProgress } from "./SyncProgress";
import { SyncScheduleCard } from "./SyncScheduleCard";
import { WebhookActivityCard } from "./WebhookActivityCard";
import { formatCount, lastSyncText, platformLabel, STORE_CONTACTS_LABEL } from "./format";
import { phpNoticeBanner } from "./php-notice-text";
import { liveProgressInterval, queuedSyncText } from "./queued-sync";
import { readOnlyKeyNotice } from "./read-only-key-text";
import { reconnectMayHelp } from "../lib/attention-cause";

/** The live part of a store: polls `progressUrl` while a run is active, and reloads the page once it ends. */
function useLiveProgress(progressUrl: string, initial: IntegrationListItem): IntegrationListItem {
  const fetcher = useFetcher<LiveProgress>();
  const revalidator = useRevalidator();
  // A fresh page load (after revalidation) wins over an older poll answer.
  const [loadedAt, setLoadedAt] = useState(initial);
  const [polled, setPolled] = useState<LiveProgress | null>(null);
  if (loadedAt !== initial) {
    setLoadedAt(initial);
    setPolled(null);
  }
  useEffect(() => {
    if (fetcher.data) setPolled(fetcher.data);
  }, [fetcher.data]);
  const live = { ...initial, ...(polled ?? {}) };
  // A queued sync is followed too (the first one, or one Sync now just queued), so the page sees it start; a run
  // whose worker stopped, or work no worker picks up, is checked more slowly, so the page sees a worker come back.
  const interval = liveProgressInterval(live, Date.now());
  const wasFollowing = useRef(interval !== null);
  useEffect(() => {
    if (interval === null) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible" && fetcher.state === "idle") fetcher.load(progressUrl);
    }, interval);
    return () => clearInterval(timer);
  }, [interval, progressUrl, fetcher]);
  useEffect(() => {
    // The run finished, or the worker came back and nothing is pending: reload history and webhook activity once.
    const following = interval !== null;
    if (wasFollowing.current && !following && revalidator.state === "idle") revalidator.revalidate();
    wasFollowing.current = following;
  }, [interval, revalidator]);
  return live;
}

/** The history with the running run's live numbers (and the run itself when it started after the page loaded). */
function withLiveRun(runs: SyncRunView[], live: SyncRunView | null): SyncRunView[] {
  if (!live) return runs;
  return runs.some((r) => r.id === live.id)
    ? runs.map((r) => (r.id === live.id ? live : r))
    : [live, ...runs];
}

export interface IntegrationDetailViewProps {
  integration: IntegrationListItem;
  runs: SyncRunView[];
  webhooks: WebhookActivity;
  /** The store's automatic syncs (reconcile interval, nightly full re-sync). */
  schedule: SyncScheduleView;
  /** Polled while a sync runs. */
  progressUrl: string;
  backAction: { content: string; url: string };
  /** The page action's answer (sync queued, disconnected, or why not). */
  actionData?: { ok: boolean; message: string } | null;
  /** Extra banners above the numbers (just connected, signed in…). */
  banners?: ReactNode;
  /** Store facts and actions shown above the numbers (the store's address, reconnect). */
  aside?: ReactNode;
  /**
   * Where the store can be connected again (a new key, a new address): offered when it needs attention for a failure
   * of the store's own (a revoked or changed key is mended only there; not a stopped worker or undeliverable webhooks,
   * `reconnectMayHelp`) and once it is disconnected.
   */
  reconnectUrl?: string;
  /**
   * A disconnected Shopify store of the shop whose admin this is (embedded app): the banner's Reconnect submits
   * `intent=reconnect` on this page.
   */
  reconnectInPlace?: boolean;
  /** Said in the disconnected banner when no reconnect is offered here (another shop's Shopify store: where to go). */
  reconnectNote?: string | null;
  /**
   * The store's WooCommerce key is read-only: one banner says what that means (changes with the scheduled checks) and
   * how to get real-time updates, and the other cards promise nothing of webhooks.
   */
  readOnlyKey?: boolean;
  /** What the owner just did (connected, signed in…), said first in the read-only banner instead of a banner of its own. */
  readOnlyLead?: string | null;
  /**
   * The WooCommerce store prints PHP messages into its API answers (the first one seen): one banner says syncing
   * carries on and how to stop them (ADR 0058).
   */
  phpNotice?: { message: string } | null;
}

/**
 * One store, as the embedded app and the WooCommerce owner's pages show it: status with its reason, counts, last
 * sync, the integration id, "Sync now" (incremental) and "Full re-sync", live progress, history with error
 * drill-down, webhook activity, automatic syncs, Disconnect behind a confirmation (keep or delete the data), and
 * Reconnect once disconnected. The page's action (app/integrations/detail-action.server.ts) receives
 * `intent=sync&kind=…`, `intent=schedule&interval=…&window=…`, `intent=disconnect&keepData=true|false` or
 * `intent=reconnect` (only with `reconnectInPlace`; otherwise Reconnect links to `reconnectUrl`).
 */
export function IntegrationDetailView(props: IntegrationDetailViewProps) {
  const { runs, webhooks, actionData } = props;
  const navigation = useNavigation();
  const submit = useSubmit();
  const integration = useLiveProgress(props.progressUrl, props.integration);
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
  const reconnect = props.reconnectUrl ? { content: "Reconnect", url: props.reconnectUrl } : undefined;
  const reconnectHere = disconnected && !!props.reconnectInPlace;
  const disconnectedAction = reconnectHere
    ? {
        content: "Reconnect",
        loading: busyIntent === "reconnect",
        disabled: !!busyIntent,
        onAction: () => submit({ intent: "reconnect" }, { method: "post" }),
      }
    : reconnect;
  const readOnlyKey = !!props.readOnlyKey && !disconnected;
  const readOnly = readOnlyKey
    ? readOnlyKeyNotice({ interval: props.schedule.interval, lead: props.readOnlyLead })
    : null;
  const phpNotice = props.phpNotice && !disconnected ? phpNoticeBanner(props.phpNotice) : null;
  const queuedLine = disconnected ? null : queuedSyncText(integration, Date.now());

  const body = (
    <BlockStack gap="400">
      <Card>
        <BlockStack gap="300">
          <InlineGrid columns={{ xs: 1, sm: 3 }} gap="300">
            {(
              [
                [STORE_CONTACTS_LABEL, integration.syncedContacts],
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
            {lastSyncText(integration.lastSyncAt, integration.lastRun, integration.queuedSync)}
          </Text>
          <CopyableId id={integration.id} />
        </BlockStack>
      </Card>
      {queuedLine && (
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              Sync queued
            </Text>
            <Text as="p">{queuedLine}</Text>
          </BlockStack>
        </Card>
      )}
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
      <SyncHistory
        runs={withLiveRun(runs, integration.activeRun)}
        firstSyncQueued={!!integration.queuedSync}
      />
      <WebhookActivityCard activity={webhooks} disconnected={disconnected} readOnlyKey={readOnlyKey} />
      <SyncScheduleCard
        schedule={props.schedule}
        readOnlyKey={readOnlyKey}
        busy={busyIntent === "schedule"}
        onSave={(choice) => submit({ intent: "schedule", ...choice }, { method: "post" })}
      />
    </BlockStack>
  );

  return (
    <Page
      backAction={props.backAction}
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
        {props.banners}
        {readOnly && (
          <Banner tone="warning" title={readOnly.title} action={reconnect}>
            <BlockStack gap="200">
              {readOnly.paragraphs.map((paragraph) => (
                <p key={paragraph}>{paragraph}</p>
              ))}
            </BlockStack>
          </Banner>
        )}
        {phpNotice && (
          <Banner tone="warning" title={phpNotice.title}>
            <BlockStack gap="200">
              {phpNotice.paragraphs.map((paragraph) => (
                <p key={paragraph}>{paragraph}</p>
              ))}
            </BlockStack>
          </Banner>
        )}
        {actionData && !actionData.ok && (
          <Banner tone="critical" title="That did not work">
            <p>{actionData.message}</p>
          </Banner>
        )}
        {integration.status === "needs_attention" && (
          <Banner
            tone="critical"
            title="This store needs attention"
            action={reconnectMayHelp(integration.attentionCause) ? reconnect : undefined}
          >
            <p>{integration.statusReason}</p>
          </Banner>
        )}
        {disconnected && (
          <Banner tone="info" title="This store no longer syncs" action={disconnectedAction}>
            <p>{integration.statusReason ?? "This store no longer syncs."}</p>
            {!disconnectedAction && props.reconnectNote && <p>{props.reconnectNote}</p>}
          </Banner>
        )}
        {/* One column: beside a side column the sync history's seven columns would scroll sideways inside its card
            (a scrollable region with nothing to focus, axe scrollable-region-focusable) on a desktop window. */}
        {props.aside}
        {body}
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
