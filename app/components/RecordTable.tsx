import type { ReactNode } from "react";
import { Box, IndexTable, useBreakpoints } from "@shopify/polaris";
import type { IndexTableProps } from "@shopify/polaris";

type Heading = IndexTableProps["headings"][number];

/** One column of a record table: its heading, how it is aligned, and what a record shows in it. */
export interface RecordColumn<Row> {
  title: string;
  alignment?: "start" | "center" | "end";
  cell: (row: Row) => ReactNode;
}

/**
 * A list of records as a Polaris IndexTable at three widths, so that every field stays visible at every width and
 * nothing scrolls sideways inside the card:
 * - below Polaris's md breakpoint (phones), a condensed table of one stacked row per record, headed by the first
 *   desktop column's title;
 * - between md and lg (tablets, narrow windows), the `tablet` columns when given (fewer, some fields stacked);
 * - otherwise one column per field.
 */
export function RecordTable<Row extends { id: string }>({
  rows,
  resourceName,
  stacked,
  tablet,
  columns,
}: {
  rows: Row[];
  resourceName: { singular: string; plural: string };
  /** A record's stacked row on phones (inside a padded box). */
  stacked: (row: Row) => ReactNode;
  tablet?: RecordColumn<Row>[];
  columns: RecordColumn<Row>[];
}) {
  const { mdDown, lgDown } = useBreakpoints();
  if (mdDown)
    return (
      <IndexTable
        condensed
        resourceName={resourceName}
        itemCount={rows.length}
        selectable={false}
        headings={[{ title: columns[0].title }]}
      >
        {rows.map((row, index) => (
          <IndexTable.Row id={row.id} key={row.id} position={index}>
            <Box padding="300" width="100%">
              {stacked(row)}
            </Box>
          </IndexTable.Row>
        ))}
      </IndexTable>
    );
  const shown = lgDown && tablet ? tablet : columns;
  return (
    <IndexTable
      resourceName={resourceName}
      itemCount={rows.length}
      selectable={false}
      headings={shown.map(headingOf) as [Heading, ...Heading[]]}
    >
      {rows.map((row, index) => (
        <IndexTable.Row id={row.id} key={row.id} position={index}>
          {shown.map((column) => (
            <IndexTable.Cell key={column.title}>{column.cell(row)}</IndexTable.Cell>
          ))}
        </IndexTable.Row>
      ))}
    </IndexTable>
  );
}

const headingOf = ({ title, alignment }: RecordColumn<never>): Heading =>
  alignment ? { title, alignment } : { title };
