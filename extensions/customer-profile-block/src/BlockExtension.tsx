import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { consentLabel, money, type ProfileResponse } from "./profile";

/** Entry point: the admin renders the block on the customer details page. */
export default async () => {
  render(<Extension />, document.body);
};

type State =
  { kind: "loading" } | { kind: "error"; message: string } | { kind: "done"; data: ProfileResponse };

function Extension() {
  const customerId = shopify.data.selected[0]?.id ?? "";
  const [state, setState] = useState<State>({ kind: "loading" });

  useEffect(() => {
    let cancelled = false;
    // Relative URLs go to the app's backend; the admin adds the session token (Authorization: Bearer …).
    fetch(`/extensions/customer-profile?customerId=${encodeURIComponent(customerId)}`)
      .then(async (response) => {
        const body = (await response.json().catch(() => null)) as ProfileResponse | null;
        if (!response.ok || !body)
          throw new Error(body?.message ?? `Commerce Sync answered ${response.status}.`);
        return body;
      })
      .then((data) => !cancelled && setState({ kind: "done", data }))
      .catch((error: Error) => !cancelled && setState({ kind: "error", message: error.message }));
    return () => {
      cancelled = true;
    };
  }, [customerId]);

  return (
    <s-admin-block heading="Commerce Sync profile">
      {state.kind === "loading" && <s-spinner accessibilityLabel="Loading the cross-store profile" />}
      {state.kind === "error" && (
        <s-banner tone="critical" heading="The profile could not be loaded">
          <s-paragraph>{state.message}</s-paragraph>
        </s-banner>
      )}
      {state.kind === "done" && <Profile data={state.data} />}
    </s-admin-block>
  );
}

function Profile({ data }: { data: ProfileResponse }) {
  const profile = data.profile;
  if (!data.found || !profile) {
    return <s-paragraph>{data.message ?? "This customer has not been synced yet."}</s-paragraph>;
  }
  return (
    <s-stack direction="block" gap="base">
      <s-stack direction="inline" gap="small-200">
        <s-badge tone={profile.marketingState === "subscribed" ? "success" : "neutral"}>
          {consentLabel(profile.marketingState, profile.marketingOptInLevel)}
        </s-badge>
      </s-stack>
      <s-stack direction="block" gap="small-200">
        <s-text type="strong">Stores</s-text>
        <s-stack direction="inline" gap="small-200">
          {profile.stores.map((store) => (
            <s-badge key={store.name} tone="info">
              {store.guest ? `${store.name} (guest)` : store.name}
            </s-badge>
          ))}
        </s-stack>
      </s-stack>
      <s-stack direction="inline" gap="large">
        <s-stack direction="block" gap="small-200">
          <s-text color="subdued">Orders, all stores</s-text>
          <s-text type="strong">{String(profile.ordersCount)}</s-text>
        </s-stack>
        <s-stack direction="block" gap="small-200">
          <s-text color="subdued">Total spent</s-text>
          {profile.totalSpent.length === 0 ? (
            <s-text>—</s-text>
          ) : (
            profile.totalSpent.map((t) => (
              <s-text key={t.currency} type="strong">
                {money(t.amount, t.currency)}
              </s-text>
            ))
          )}
        </s-stack>
      </s-stack>
    </s-stack>
  );
}
