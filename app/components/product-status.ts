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

/** WooCommerce's product types as its admin names them ("Product data" select); other values pass unchanged. */
const WOO_TYPES: Record<string, string> = {
  simple: "Simple product",
  variable: "Variable product",
  grouped: "Grouped product",
  external: "External/Affiliate product",
};

/** A product's type as the merchant's own admin shows it: Shopify's is free text, WooCommerce's a fixed list. */
export function productTypeLabel(platform: string, type: string | null): string | null {
  if (!type) return null;
  return platform === "woocommerce" ? (WOO_TYPES[type] ?? type) : type;
}
