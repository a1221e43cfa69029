import type { ReactNode } from "react";
import { AppProvider } from "@shopify/polaris";
import translations from "@shopify/polaris/locales/en.json";

/** Polaris outside the Shopify admin (standalone pages: 404, WooCommerce owners' pages). */
export function StandalonePolaris({ children }: { children: ReactNode }) {
  return <AppProvider i18n={translations}>{children}</AppProvider>;
}
