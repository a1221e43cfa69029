import type { ReactNode } from "react";
import { BlockStack, Card, EmptyState, Page } from "@shopify/polaris";
import { ListFooter } from "./ListFooter";
import { PAGE_SIZE, useListParams } from "./list-params";

/**
 * The skeleton of a paged list page (contacts, orders, products): its filters in a card, then a card with the page's
 * records (or what to do when there are none) over the list's footer — the count and the links to other pages.
 */
export function ListPage({
  title,
  subtitle,
  filters,
  rowCount,
  empty,
  total,
  noun,
  suffix,
  page,
  children,
}: {
  title: string;
  subtitle: string;
  filters: ReactNode;
  /** Records on this page; with none, `empty` is shown instead of `children`. */
  rowCount: number;
  empty: { heading: string; text: string };
  /** Records in the whole list, and what one is called (see ListFooter). */
  total: number;
  noun: string;
  suffix?: string;
  page: number;
  children: ReactNode;
}) {
  const { pageUrl } = useListParams();
  return (
    <Page title={title} subtitle={subtitle}>
      <BlockStack gap="400">
        <Card>{filters}</Card>
        <Card padding="0">
          {rowCount === 0 ? (
            <EmptyState heading={empty.heading} image="/not-found.svg">
              <p>{empty.text}</p>
            </EmptyState>
          ) : (
            children
          )}
          {total > 0 && (
            <ListFooter
              total={total}
              noun={noun}
              suffix={suffix}
              page={page}
              pageSize={PAGE_SIZE}
              pageUrl={pageUrl}
            />
          )}
        </Card>
      </BlockStack>
    </Page>
  );
}
