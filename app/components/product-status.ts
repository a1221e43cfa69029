/**
 * A product's status as the merchant reads it. Shopify says active / draft / archived (and unlisted in newer API
 * versions: 2026-07 has it); WooCommerce says publish / draft / pending / private (and future for a scheduled product). Values the
 * stores may add later are shown as they come, capitalised.
 */
const LABELS: Record<string, string> = {
  active: "Active",
  archived: "Archived",
  draft: "Draft",
  unlisted: "Unlisted",
  publish: "Published",
  pending: "Pending review",
  private: "Private",
  future: "Scheduled",
};

export function productStatusLabel(status: string): string {
  return LABELS[status] ?? status.replace(/[_-]/g, " ").replace(/^./, (c) => c.toUpperCase());
}

/** Green for what customers can buy, yellow for what is not out yet, plain otherwise. */
export function productStatusTone(status: string): "success" | "attention" | "info" | undefined {
  if (status === "active" || status === "publish") return "success";
  if (status === "draft" || status === "pending" || status === "future") return "attention";
  if (status === "unlisted" || status === "private") return "info";
  return undefined;
}
