import type { HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Link,
  Outlet,
  useLoaderData,
  useNavigation,
  useRouteError,
} from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { Frame, Loading } from "@shopify/polaris";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { embeddedLayoutContext } from "../embedded.server";
import { CONNECT_WOOCOMMERCE_URL } from "../components/links";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: polarisStyles },
  { rel: "stylesheet", href: polarisVizStyles },
];

/** Each embedded page's document title (WCAG 2.4.2: pages are titled), from its address; no page sets its own. */
const PAGE_TITLES: Array<[RegExp, string]> = [
  [/^\/app\/?$/, "Overview"],
  [/^\/app\/contacts\/?$/, "Contacts"],
  [/^\/app\/orders\/?$/, "Orders"],
  [/^\/app\/products\/?$/, "Products"],
  [/^\/app\/settings\/?$/, "Settings"],
  [/^\/app\/woocommerce\/connect\/?$/, "Connect WooCommerce"],
  [/^\/app\/integrations\/[^/]+\/?$/, "Store details"],
];

export const meta: MetaFunction = ({ location, error }) => {
  const page = error
    ? isRouteErrorResponse(error) && error.status === 404
      ? "Page not found"
      : "Something went wrong"
    : (PAGE_TITLES.find(([path]) => path.test(location.pathname))?.[1] ?? "Page not found");
  return [{ title: `${page} · Commerce Sync` }];
};

// A shop whose access Shopify refused gets a new token by opening the app (what its store page tells it to do).
export const loader = async ({ request }: LoaderFunctionArgs) => json(await embeddedLayoutContext(request));

/** Embedded layout: App Bridge + Polaris for every /app page, with the admin navigation menu. */
export default function App() {
  const { apiKey, appBridgeUrl } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey} {...(appBridgeUrl ? { __APP_BRIDGE_URL: appBridgeUrl } : {})}>
      <NavMenu>
        <Link to="/app" rel="home">
          Overview
        </Link>
        <Link to="/app/contacts">Contacts</Link>
        <Link to="/app/orders">Orders</Link>
        <Link to="/app/products">Products</Link>
        <Link to={CONNECT_WOOCOMMERCE_URL}>Connect WooCommerce</Link>
        <Link to="/app/settings">Settings</Link>
      </NavMenu>
      <Frame>
        {navigation.state === "loading" && <Loading />}
        <Outlet />
      </Frame>
    </AppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses, so that their headers are included in the response.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
