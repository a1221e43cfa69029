/**
 * Layout of the standalone WooCommerce pages (`/woocommerce/...`): Polaris without the Shopify admin around it, for
 * owners who run only WooCommerce.
 */
import type { LinksFunction, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { AppProvider, Frame } from "@shopify/polaris";
import polarisTranslations from "@shopify/polaris/locales/en.json";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];
export const meta: MetaFunction = () => [{ title: "Commerce Sync for WooCommerce" }];

export const loader = () => json({ polarisTranslations });

export default function WooCommerceLayout() {
  const { polarisTranslations: i18n } = useLoaderData<typeof loader>();
  return (
    <AppProvider i18n={i18n}>
      {/* Frame: the store pages' toasts and modals need it, as they have inside the Shopify admin. */}
      <Frame>
        <Outlet />
      </Frame>
    </AppProvider>
  );
}
