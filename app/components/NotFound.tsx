import { Card, EmptyState, Page } from "@shopify/polaris";

/** The page shown for an address that does not exist (or a record of another organization). */
export function NotFound({ homeUrl, message }: { homeUrl: string; message?: string }) {
  return (
    <Page narrowWidth title="Page not found">
      <Card>
        <EmptyState
          heading="This page doesn’t exist"
          image="/not-found.svg"
          action={{ content: "Go to the overview", url: homeUrl }}
        >
          <p>{message ?? "The address may be mistyped, or what it pointed to was removed."}</p>
        </EmptyState>
      </Card>
    </Page>
  );
}
