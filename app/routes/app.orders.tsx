import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, InlineGrid, InlineStack, Text } from "@shopify/polaris";
import { embeddedContext } from "../embedded.server";
import { listOrders } from "../integrations/orders-view.server";
import { FacetFilter, StoreFilter } from "../components/ListFilters";
import { ListPage } from "../components/ListPage";
import { PAGE_SIZE, pageNumberOf } from "../components/list-params";
import { PageError } from "../components/PageError";
import { RecordTable, type RecordColumn } from "../components/RecordTable";
import { formatDate, formatMoney, humanize } from "../components/format";

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

function Statuses({ order }: { order: OrderRow }) {
  return (
    <InlineStack gap="100">
      <PaymentBadge order={order} />
      <FulfillmentBadge order={order} />
    </InlineStack>
  );
}

/** Phones: one stacked row per order. */
function stackedOrder(o: OrderRow) {
  return (
    <BlockStack gap="100">
      <InlineStack align="space-between" blockAlign="center" gap="200" wrap={false}>
        <OrderNumber order={o} />
        <OrderTotal order={o} />
      </InlineStack>
      <Text as="span" tone="subdued" variant="bodySm" breakWord>
        {formatDate(o.orderDate)} · {o.storeName} · {customerOf(o)}
      </Text>
      <Statuses order={o} />
    </BlockStack>
  );
}

/** Tablets and narrow windows: the order's date and customer under its number; both statuses share a column. */
const TABLET_COLUMNS: RecordColumn<OrderRow>[] = [
  {
    title: "Order",
    cell: (o) => (
      <BlockStack gap="050">
        <OrderNumber order={o} />
        <Text as="span" tone="subdued" variant="bodySm" breakWord>
          {formatDate(o.orderDate)} · {customerOf(o)}
        </Text>
      </BlockStack>
    ),
  },
  { title: "Store", cell: (o) => o.storeName },
  { title: "Status", cell: (o) => <Statuses order={o} /> },
  { title: "Total", alignment: "end", cell: (o) => <OrderTotal order={o} /> },
];

/** Seven columns need the width of a desktop window. */
const COLUMNS: RecordColumn<OrderRow>[] = [
  { title: "Order", cell: (o) => <OrderNumber order={o} /> },
  { title: "Date", cell: (o) => formatDate(o.orderDate) },
  { title: "Customer", cell: customerOf },
  { title: "Store", cell: (o) => o.storeName },
  { title: "Payment", cell: (o) => <PaymentBadge order={o} /> },
  { title: "Fulfillment", cell: (o) => <FulfillmentBadge order={o} /> },
  { title: "Total", alignment: "end", cell: (o) => <OrderTotal order={o} /> },
];

/** Orders from every store, filtered by store, financial status and fulfillment status. */
export default function Orders() {
  const { orders, total, page, facets, filters } = useLoaderData<typeof loader>();
  const filtered = !!(filters.integrationId || filters.financialStatus || filters.fulfillmentStatus);
  return (
    <ListPage
      title="Orders"
      subtitle="Orders from all your stores, newest first. Amounts are shown in each order’s currency."
      filters={
        <Form method="get">
          <InlineGrid columns={{ xs: 1, sm: 3 }} gap="300">
            <StoreFilter stores={facets.stores} value={filters.integrationId} />
            <FacetFilter
              label="Payment status"
              name="financial"
              values={facets.financialStatuses}
              labelOf={humanize}
              value={filters.financialStatus}
            />
            <FacetFilter
              label="Fulfillment status"
              name="fulfillment"
              values={facets.fulfillmentStatuses}
              labelOf={humanize}
              value={filters.fulfillmentStatus}
            />
          </InlineGrid>
          <noscript>
            <button type="submit">Apply filters</button>
          </noscript>
        </Form>
      }
      rowCount={orders.length}
      empty={
        filtered
          ? { heading: "No order matches these filters", text: "Try another store or status." }
          : { heading: "No orders yet", text: "Orders appear here once a store has synced them." }
      }
      total={total}
      noun="order"
      page={page}
    >
      <RecordTable
        rows={orders}
        resourceName={{ singular: "order", plural: "orders" }}
        stacked={stackedOrder}
        tablet={TABLET_COLUMNS}
        columns={COLUMNS}
      />
    </ListPage>
  );
}

export function ErrorBoundary() {
  return <PageError />;
}
