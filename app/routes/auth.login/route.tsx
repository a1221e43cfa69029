import { useState } from "react";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import {
  AppProvider as PolarisAppProvider,
  Button,
  Card,
  FormLayout,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import polarisTranslations from "@shopify/polaris/locales/en.json";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { beginShopifyAuthorization, nonceCookie } from "../../integrations/shopify-oauth.server";
import { shopifyServices } from "../../shopify-services.server";
import { loginErrorMessage } from "./error.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];
export const meta: MetaFunction = () => [{ title: "Log in · Commerce Sync" }];

/**
 * Starts the authorization-code grant for `shop` (installs started outside the Shopify admin): redirect to Shopify's
 * consent page, with the state's nonce kept in a cookie for the callback (`/auth/callback`).
 */
async function startLogin(shop: string | null): Promise<Response | { shop?: string }> {
  if (!shop) return { shop: "Enter your shop domain to log in, for example my-store.myshopify.com." };
  const { oauth } = shopifyServices();
  try {
    const { authUrl, nonce } = beginShopifyAuthorization(oauth, { shop, callbackPath: "/auth/callback" });
    return redirect(authUrl, { headers: { "Set-Cookie": nonceCookie(nonce, oauth.appUrl) } });
  } catch (error) {
    const errors = loginErrorMessage(error);
    if (!errors) throw error;
    return errors;
  }
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const shop = new URL(request.url).searchParams.get("shop");
  const outcome = shop ? await startLogin(shop) : {};
  if (outcome instanceof Response) return outcome;
  return json({ errors: outcome, polarisTranslations });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const shop = (await request.formData()).get("shop");
  const outcome = await startLogin(typeof shop === "string" ? shop : null);
  if (outcome instanceof Response) return outcome;
  return json({ errors: outcome });
};

/** "Log in with your shop domain": for installs started outside the Shopify admin. */
export default function Auth() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [shop, setShop] = useState("");
  const { errors } = actionData || loaderData;

  return (
    <PolarisAppProvider i18n={loaderData.polarisTranslations}>
      <main>
        <Page narrowWidth>
          <Card>
            <Form method="post">
              <FormLayout>
                <Text variant="headingMd" as="h1">
                  Log in to Commerce Sync
                </Text>
                <TextField
                  type="text"
                  name="shop"
                  label="Shop domain"
                  helpText="example.myshopify.com"
                  value={shop}
                  onChange={setShop}
                  autoComplete="on"
                  error={errors.shop}
                />
                <Button submit variant="primary">
                  Log in
                </Button>
              </FormLayout>
            </Form>
          </Card>
        </Page>
      </main>
    </PolarisAppProvider>
  );
}
