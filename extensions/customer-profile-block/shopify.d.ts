// Types of the `shopify` global for each module of this extension (what `shopify app generate` writes).
import "@shopify/ui-extensions";

//@ts-expect-error module declarations for the extension's own files
declare module "./src/BlockExtension.tsx" {
  const shopify: import("@shopify/ui-extensions/admin.customer-details.block.render").Api;
  const globalThis: { shopify: typeof shopify };
}
