import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { AppProvider as PolarisAppProvider, Banner, Button, Card, Page } from "@shopify/polaris";
import polarisTranslations from "@shopify/polaris/locales/en.json";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { isAppError } from "../lib/errors";
import {
  clearedNonceCookie,
  completeShopifyAuthorization,
  nonceFromCookie,
  shopifyAppInAdminUrl,
} from "../integrations/shopify-oauth.server";
import { shopifyServices } from "../shopify-services.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];
export const meta: MetaFunction = () => [{ title: "Connecting your store · Commerce Sync" }];

/**
 * Shopify's redirect after a merchant approved the install started at /auth/login (authorization-code grant):
 * verified (HMAC, state, this browser's nonce), then on to the app inside the Shopify admin.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { oauth } = shopifyServices();
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const headers = { "Set-Cookie": clearedNonceCookie() };
  try {
    const result = await completeShopifyAuthorization(oauth, params, {
      nonce: nonceFromCookie(request.headers.get("Cookie")),
    });
    return redirect(shopifyAppInAdminUrl(oauth, result.shop), { headers });
  } catch (error) {
    if (!isAppError(error)) throw error;
    return json({ message: error.message, polarisTranslations }, { status: error.httpStatus, headers });
  }
};

export default function AuthCallback() {
  const { message } = useLoaderData<typeof loader>();
  return (
    <PolarisAppProvider i18n={polarisTranslations}>
      <Page narrowWidth title="Connecting your Shopify store">
        <Card>
          <Banner tone="critical" title="The store was not connected">
            <p>{message}</p>
          </Banner>
          <div style={{ marginTop: 16 }}>
            <Button url="/auth/login" variant="primary">
              Start again
            </Button>
          </div>
        </Card>
      </Page>
    </PolarisAppProvider>
  );
}
