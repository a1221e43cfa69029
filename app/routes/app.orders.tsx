import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Box,
  Card,
  EmptyState,
  IndexTable,
  InlineGrid,
  InlineStack,
  Page,
  Select,
  Text,
  useBreakpoints,
} from "@shopify/polaris";
import { embeddedContext } from "../embedded.server";
import { listOrders } from "../integrations/orders-view.server";
import { ListFooter } from "../components/ListFooter";
import { filterChoices, pageNumberOf, useListParams } from "../components/list-params";
import { PageError } from "../components/PageError";
import { formatDate, formatMoney, humanize } from "../components/format";

const PAGE_SIZE = 25;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { db, organization } = await embeddedContext(request);
  const url = new URL(request.url);
  const filters = {
    integrationId: url.searchParams.get("store") || null,
    financialStatus: url.searchParams.get("financial") || null,
    fulfillmentStatus: url.searchParams.get("fulfillment") || null,
  };
  const page = pageNumberOf(url);
  return json({
    ...(await listOrders(db, organization.organizationId, filters, { page, pageSize: PAGE_SIZE })),
    filters,
  });
};

function financialTone(status: string | null) {
  if (status === "paid" || status === "completed") return "success" as const;
  if (status === "refunded" || status === "voided" || status === "failed" || status === "cancelled")
    return "critical" as const;
  if (status === "pending" || status === "on-hold" || status === "partially_paid")
    return "attention" as const;
  return undefined;
}

type OrderRow = ReturnType<typeof useLoaderData<typeof loader>>["orders"][number];

function OrderNumber({ order }: { order: OrderRow }) {
  return (
    <InlineStack gap="100" blockAlign="center" wrap={false}>
      <Text as="span" fontWeight="semibold">
        {/* Shopify's order names carry their "#" already; WooCommerce numbers do not. */}
        {order.orderNumber.startsWith("#") ? order.orderNumber : `#${order.orderNumber}`}
      </Text>
      {order.cancelled && <Badge tone="critical">Cancelled</Badge>}
    </InlineStack>
  );
}

function PaymentBadge({ order }: { order: OrderRow }) {
  return order.financialStatus ? (
    <Badge tone={financialTone(order.financialStatus)}>{humanize(order.financialStatus)}</Badge>
  ) : (
    <Text as="span" tone="subdued">
      No payment status
    </Text>
  );
}

function FulfillmentBadge({ order }: { order: OrderRow }) {
  return (
    <Badge tone={order.fulfillmentStatus === "fulfilled" ? "success" : "attention"}>
      {humanize(order.fulfillmentStatus ?? "unfulfilled")}
    </Badge>
  );
}

function OrderTotal({ order }: { order: OrderRow }) {
  return (
    <Text as="span" alignment="end" numeric>
      {formatMoney(order.total, order.currency)}
    </Text>
  );
}

const customerOf = (o: OrderRow) => o.customerName ?? o.email ?? "Guest";

/**
 * Seven columns need the width of a desktop window. Below Polaris's md breakpoint (phones) the IndexTable is
 * condensed, one stacked row per order; between md and lg (tablets, narrow windows) the order's date and customer
 * sit under its number and both statuses share a column. Every field stays visible at every width.
 */
function OrdersTable({ orders }: { orders: OrderRow[] }) {
  const { mdDown, lgDown } = useBreakpoints();
  const resourceName = { singular: "order", plural: "orders" };
  if (mdDown)
    return (
      <IndexTable
        condensed
        resourceName={resourceName}
        itemCount={orders.length}
        selectable={false}
        headings={[{ title: "Order" }]}
      >
        {orders.map((o, index) => (
          <IndexTable.Row id={o.id} key={o.id} position={index}>
            <Box padding="300" width="100%">
              <BlockStack gap="100">
                <InlineStack align="space-between" blockAlign="center" gap="200" wrap={false}>
                  <OrderNumber order={o} />
                  <OrderTotal order={o} />
                </InlineStack>
                <Text as="span" tone="subdued" variant="bodySm" breakWord>
                  {formatDate(o.orderDate)} · {o.storeName} · {customerOf(o)}
                </Text>
                <InlineStack gap="100">
                  <PaymentBadge order={o} />
                  <FulfillmentBadge order={o} />
                </InlineStack>
              </BlockStack>
            </Box>
          </IndexTable.Row>
        ))}
      </IndexTable>
    );
  if (lgDown)
    return (
      <IndexTable
        resourceName={resourceName}
        itemCount={orders.length}
        selectable={false}
        headings={[
          { title: "Order" },
          { title: "Store" },
          { title: "Status" },
          { title: "Total", alignment: "end" },
        ]}
      >
        {orders.map((o, index) => (
          <IndexTable.Row id={o.id} key={o.id} position={index}>
            <IndexTable.Cell>
              <BlockStack gap="050">
                <OrderNumber order={o} />
                <Text as="span" tone="subdued" variant="bodySm" breakWord>
                  {formatDate(o.orderDate)} · {customerOf(o)}
                </Text>
              </BlockStack>
            </IndexTable.Cell>
            <IndexTable.Cell>{o.storeName}</IndexTable.Cell>
            <IndexTable.Cell>
              <InlineStack gap="100">
                <PaymentBadge order={o} />
                <FulfillmentBadge order={o} />
              </InlineStack>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <OrderTotal order={o} />
            </IndexTable.Cell>
          </IndexTable.Row>
        ))}
      </IndexTable>
    );
  return (
    <IndexTable
      resourceName={resourceName}
      itemCount={orders.length}
      selectable={false}
      headings={[
        { title: "Order" },
        { title: "Date" },
        { title: "Customer" },
        { title: "Store" },
        { title: "Payment" },
        { title: "Fulfillment" },
        { title: "Total", alignment: "end" },
      ]}
    >
      {orders.map((o, index) => (
        <IndexTable.Row id={o.id} key={o.id} position={index}>
          <IndexTable.Cell>
            <OrderNumber order={o} />
          </IndexTable.Cell>
          <IndexTable.Cell>{formatDate(o.orderDate)}</IndexTable.Cell>
          <IndexTable.Cell>{customerOf(o)}</IndexTable.Cell>
          <IndexTable.Cell>{o.storeName}</IndexTable.Cell>
          <IndexTable.Cell>
            <PaymentBadge order={o} />
          </IndexTable.Cell>
          <IndexTable.Cell>
            <FulfillmentBadge order={o} />
          </IndexTable.Cell>
          <IndexTable.Cell>
            <OrderTotal order={o} />
          </IndexTable.Cell>
        </IndexTable.Row>
      ))}
    </IndexTable>
  );
}

/** Orders from every store, filtered by store, financial status and fulfillment status. */
export default function Orders() {
  const { orders, total, page, facets, filters } = useLoaderData<typeof loader>();
  const { pageUrl, applyFilter: apply } = useListParams();
  const filtered = !!(filters.integrationId || filters.financialStatus || filters.fulfillmentStatus);
  return (
    <Page
      title="Orders"
      subtitle="Orders from all your stores, newest first. Amounts are shown in each order’s currency."
    >
      <BlockStack gap="400">
        <Card>
          <Form method="get">
            <InlineGrid columns={{ xs: 1, sm: 3 }} gap="300">
              <Select
                label="Store"
                name="store"
                value={filters.integrationId ?? ""}
                onChange={(v) => apply("store", v)}
                options={filterChoices(
                  "All stores",
                  facets.stores.map((s) => ({ label: s.name, value: s.id })),
                  filters.integrationId,
                  () => "Unknown store",
                )}
              />
              <Select
                label="Payment status"
                name="financial"
                value={filters.financialStatus ?? ""}
                onChange={(v) => apply("financial", v)}
                options={filterChoices(
                  "Any",
                  facets.financialStatuses.map((s) => ({ label: humanize(s), value: s })),
                  filters.financialStatus,
                  humanize,
                )}
              />
              <Select
                label="Fulfillment status"
                name="fulfillment"
                value={filters.fulfillmentStatus ?? ""}
                onChange={(v) => apply("fulfillment", v)}
                options={filterChoices(
                  "Any",
                  facets.fulfillmentStatuses.map((s) => ({ label: humanize(s), value: s })),
                  filters.fulfillmentStatus,
                  humanize,
                )}
              />
            </InlineGrid>
            <noscript>
              <button type="submit">Apply filters</button>
            </noscript>
          </Form>
        </Card>
        <Card padding="0">
          {orders.length === 0 ? (
            <EmptyState
              heading={filtered ? "No order matches these filters" : "No orders yet"}
              image="/not-found.svg"
            >
              <p>
                {filtered
                  ? "Try another store or status."
                  : "Orders appear here once a store has synced them."}
              </p>
            </EmptyState>
          ) : (
            <OrdersTable orders={orders} />
          )}
          {total > 0 && (
            <ListFooter total={total} noun="order" page={page} pageSize={PAGE_SIZE} pageUrl={pageUrl} />
          )}
        </Card>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <PageError />;
}
