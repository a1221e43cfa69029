/**
 * The warning both WooCommerce connect pages (standalone and embedded) show beside "Approve in WooCommerce" when
 * Commerce Sync runs on plain http: a real store refuses to send the approved key there (words in
 * woocommerce-approval-https-text.ts).
 */
import { Banner } from "@shopify/polaris";
import type { ApprovalHttpsWarning } from "../integrations/woocommerce-approval.server";
import { approvalHttpsWarningText } from "./woocommerce-approval-https-text";

export function ApprovalNeedsHttpsBanner({ warning }: { warning: ApprovalHttpsWarning }) {
  const text = approvalHttpsWarningText(warning);
  return (
    <Banner tone="warning" title={text.title}>
      {text.paragraphs.map((paragraph) => (
        <p key={paragraph}>{paragraph}</p>
      ))}
    </Banner>
  );
}
