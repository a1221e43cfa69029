import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Banner, BlockStack, Button, Page } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { NotFound } from "./NotFound";

/**
 * A page's ErrorBoundary: a Polaris 404 for what does not exist (including another organization's records), a
 * message a merchant can act on for our own errors, and Shopify's boundary for its authentication responses.
 */
export function PageError({ homeUrl = "/app" }: { homeUrl?: string }) {
  const error = useRouteError();
  if (isRouteErrorResponse(error)) {
    const data = error.data as { code?: string; message?: string } | string | null;
    if (error.status === 404)
      return <NotFound homeUrl={homeUrl} message={typeof data === "object" ? data?.message : undefined} />;
    if (typeof data === "object" && data?.message) return <ErrorPage message={data.message} />;
    return boundary.error(error);
  }
  return (
    <ErrorPage message="Something went wrong while loading this page. Your data is safe; try again in a moment." />
  );
}

function ErrorPage({ message }: { message: string }) {
  return (
    <Page title="We couldn’t load this page">
      <BlockStack gap="400">
        <Banner tone="critical">
          <p>{message}</p>
        </Banner>
        <div>
          <Button onClick={() => window.location.reload()}>Try again</Button>
        </div>
      </BlockStack>
    </Page>
  );
}
