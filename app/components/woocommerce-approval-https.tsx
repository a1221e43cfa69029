/**
 * The warning both WooCommerce connect pages (standalone and embedded) show beside "Approve in WooCommerce" when
 * Commerce Sync runs on plain http: a real store refuses to send the approved key there.
 */
import { Banner } from "@shopify/polaris";

export function ApprovalNeedsHttpsBanner({ appUrl }: { appUrl: string }) {
  return (
    <Banner tone="warning" title="Approval needs Commerce Sync on https">
      <p>
        WooCommerce sends an approved key only to an https address, and Commerce Sync runs at {appUrl}: a real
        store answers “The callback_url needs to be over SSL”. Paste REST API keys below instead, or serve
        Commerce Sync over https.
      </p>
    </Banner>
  );
}
