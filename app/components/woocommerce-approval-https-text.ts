/**
 * The words of the warning both WooCommerce connect pages show beside "Approve in WooCommerce" when Commerce Sync
 * runs on plain http: a real store refuses to send the approved key there. In the demo, whose local store accepts
 * the http callback, the warning still stands for real stores and says why approval works with the demo's store.
 */
import type { ApprovalHttpsWarning } from "../integrations/woocommerce-approval.server";

export interface ApprovalHttpsWarningText {
  title: string;
  paragraphs: string[];
}

export function approvalHttpsWarningText(warning: ApprovalHttpsWarning): ApprovalHttpsWarningText {
  const refusal =
    `WooCommerce sends an approved key only to an https address, and Commerce Sync runs at ${warning.appUrl}: ` +
    "a real store answers “The callback_url needs to be over SSL”. Paste REST API keys below instead, or serve " +
    "Commerce Sync over https.";
  if (!warning.demoStoreUrl) return { title: "Approval needs Commerce Sync on https", paragraphs: [refusal] };
  return {
    title: "Approval from a real store needs Commerce Sync on https",
    paragraphs: [
      refusal,
      `This demo's store at ${warning.demoStoreUrl} is the exception: unlike a real store it accepts the http ` +
        "callback, so “Approve in WooCommerce” works with it here.",
    ],
  };
}
