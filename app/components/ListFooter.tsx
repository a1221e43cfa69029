import { Box, InlineStack, Pagination, Text } from "@shopify/polaris";
import { formatCount } from "./format";

/** The footer of a paged list: "N things[ matching …]" and previous/next links. */
export function ListFooter({
  total,
  noun,
  suffix = "",
  page,
  pageSize,
  pageUrl,
}: {
  total: number;
  /** Singular noun; an "s" is added unless there is exactly one. */
  noun: string;
  suffix?: string;
  page: number;
  pageSize: number;
  pageUrl: (page: number) => string;
}) {
  const hasPrevious = page > 1;
  const hasNext = page * pageSize < total;
  return (
    <Box padding="300">
      <InlineStack align="space-between" blockAlign="center">
        <Text as="span" tone="subdued">
          {formatCount(total)} {noun}
          {total === 1 ? "" : "s"}
          {suffix}
        </Text>
        {/* No address for a side with no page: Polaris draws a disabled link as an <a> without href, which has no
            role for its aria-label; without an address it is a disabled <button>. */}
        <Pagination
          hasPrevious={hasPrevious}
          previousURL={hasPrevious ? pageUrl(page - 1) : undefined}
          hasNext={hasNext}
          nextURL={hasNext ? pageUrl(page + 1) : undefined}
        />
      </InlineStack>
    </Box>
  );
}
