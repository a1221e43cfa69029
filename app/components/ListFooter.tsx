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
  return (
    <Box padding="300">
      <InlineStack align="space-between" blockAlign="center">
        <Text as="span" tone="subdued">
          {formatCount(total)} {noun}
          {total === 1 ? "" : "s"}
          {suffix}
        </Text>
        <Pagination
          hasPrevious={page > 1}
          previousURL={pageUrl(page - 1)}
          hasNext={page * pageSize < total}
          nextURL={pageUrl(page + 1)}
        />
      </InlineStack>
    </Box>
  );
}
