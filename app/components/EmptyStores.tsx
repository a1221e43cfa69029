import { Card, EmptyState } from "@shopify/polaris";

/** The overview before any store is connected: what the app does and the way to connect one. */
export function EmptyStores({ connectWooUrl }: { connectWooUrl: string }) {
  return (
    <Card>
      <EmptyState
        heading="Connect your first store"
        image="/empty-stores.svg"
        action={{ content: "Connect WooCommerce", url: connectWooUrl }}
      >
        <p>
          Commerce Sync brings customers, orders and products from your Shopify and WooCommerce stores into
          one contact list. Your Shopify store connects when you install the app; add a WooCommerce store with
          its REST API keys.
        </p>
      </EmptyState>
    </Card>
  );
}
