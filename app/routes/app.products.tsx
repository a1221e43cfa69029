import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Box,
  Button,
  Card,
  EmptyState,
  IndexTable,
  InlineGrid,
  InlineStack,
  Page,
  Select,
  Text,
  TextField,
  useBreakpoints,
} from "@shopify/polaris";
import { useState } from "react";
import { embeddedContext } from "../embedded.server";
import { listProducts } from "../integrations/products-view.server";
import { ListFooter } from "../components/ListFooter";
import { filterChoices, pageNumberOf, useListParams } from "../components/list-params";
import { PageError } from "../components/PageError";
import { formatDate, formatMoneyRange } from "../components/format";
import { productStatusLabel, productStatusTone, productTypeLabel } from "../components/product-status";

const PAGE_SIZE = 25;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { db, organization } = await embeddedContext(request);
  const url = new URL(request.url);
  const filters = {
    integrationId: url.searchParams.get("store") || null,
    status: url.searchParams.get("status") || null,
    query: (url.searchParams.get("q") ?? "").slice(0, 200),
  };
  const page = pageNumberOf(url);
  return json({
    ...(await listProducts(db, organization.organizationId, filters, { page, pageSize: PAGE_SIZE })),
    filters,
  });
};

type ProductRow = ReturnType<typeof useLoaderData<typeof loader>>["products"][number];

function StatusBadge({ product }: { product: ProductRow }) {
  return <Badge tone={productStatusTone(product.status)}>{productStatusLabel(product.status)}</Badge>;
}

function Price({ product }: { product: ProductRow }) {
  if (!product.price)
    return (
      <Text as="span" tone="subdued">
        No price
      </Text>
    );
  const { min, max, currency } = product.price;
  return (
    <Text as="span" alignment="end" numeric>
      {formatMoneyRange(min, max, currency)}
    </Text>
  );
}

const variantsText = (p: ProductRow) =>
  `${p.variantCount.toLocaleString("en-US")} variant${p.variantCount === 1 ? "" : "s"}`;

/** The product's title over what tells it apart: vendor, type and the first SKUs. */
function Title({ product }: { product: ProductRow }) {
  const type = productTypeLabel(product.platform, product.productType);
  const details = [product.vendor, type, product.skus.join(", ")].filter(Boolean).join(" · ");
  return (
    <BlockStack gap="050">
      <Text as="span" fontWeight="semibold" breakWord>
        {product.title || "Untitled product"}
      </Text>
      {details && (
        <Text as="span" tone="subdued" variant="bodySm" breakWord>
          {details}
        </Text>
      )}
    </BlockStack>
  );
}

/**
 * Phones get one stacked row per product; tablets and narrow windows three columns (store, variants and date under
 * the title); desktop windows every column. Every field stays visible at every width.
 */
function ProductsTable({ products }: { products: ProductRow[] }) {
  const { mdDown, lgDown } = useBreakpoints();
  const resourceName = { singular: "product", plural: "products" };
  if (mdDown)
    return (
      <IndexTable
        condensed
        resourceName={resourceName}
        itemCount={products.length}
        selectable={false}
        headings={[{ title: "Product" }]}
      >
        {products.map((p, index) => (
          <IndexTable.Row id={p.id} key={p.id} position={index}>
            <Box padding="300" width="100%">
              <BlockStack gap="100">
                <InlineStack align="space-between" blockAlign="start" gap="200" wrap={false}>
                  <Title product={p} />
                  <Price product={p} />
                </InlineStack>
                <Text as="span" tone="subdued" variant="bodySm" breakWord>
                  {p.storeName} · {variantsText(p)} · updated {formatDate(p.updatedAt)}
                </Text>
                <InlineStack gap="100">
                  <StatusBadge product={p} />
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
        itemCount={products.length}
        selectable={false}
        headings={[{ title: "Product" }, { title: "Status" }, { title: "Price", alignment: "end" }]}
      >
        {products.map((p, index) => (
          <IndexTable.Row id={p.id} key={p.id} position={index}>
            <IndexTable.Cell>
              <BlockStack gap="050">
                <Title product={p} />
                <Text as="span" tone="subdued" variant="bodySm" breakWord>
                  {p.storeName} · {variantsText(p)} · updated {formatDate(p.updatedAt)}
                </Text>
              </BlockStack>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <StatusBadge product={p} />
            </IndexTable.Cell>
            <IndexTable.Cell>
              <Price product={p} />
            </IndexTable.Cell>
          </IndexTable.Row>
        ))}
      </IndexTable>
    );
  return (
    <IndexTable
      resourceName={resourceName}
      itemCount={products.length}
      selectable={false}
      headings={[
        { title: "Product" },
        { title: "Store" },
        { title: "Status" },
        { title: "Variants", alignment: "end" },
        { title: "Updated" },
        { title: "Price", alignment: "end" },
      ]}
    >
      {products.map((p, index) => (
        <IndexTable.Row id={p.id} key={p.id} position={index}>
          <IndexTable.Cell>
            <Title product={p} />
          </IndexTable.Cell>
          <IndexTable.Cell>{p.storeName}</IndexTable.Cell>
          <IndexTable.Cell>
            <StatusBadge product={p} />
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" alignment="end" numeric>
              {p.variantCount.toLocaleString("en-US")}
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>{formatDate(p.updatedAt)}</IndexTable.Cell>
          <IndexTable.Cell>
            <Price product={p} />
          </IndexTable.Cell>
        </IndexTable.Row>
      ))}
    </IndexTable>
  );
}

/** Products from every store: search by title, vendor or SKU; filter by store and status. */
export default function Products() {
  const { products, total, page, facets, filters } = useLoaderData<typeof loader>();
  const { pageUrl, applyFilter: apply } = useListParams();
  const navigation = useNavigation();
  const [value, setValue] = useState(filters.query);
  const searching = navigation.state === "loading" && navigation.location?.pathname === "/app/products";
  const filtered = !!(filters.integrationId || filters.status || filters.query);
  return (
    <Page
      title="Products"
      subtitle="The catalogue of every store, most recently changed first. Prices are in each product’s currency."
    >
      <BlockStack gap="400">
        <Card>
          <Form method="get" role="search">
            <BlockStack gap="300">
              <InlineStack gap="200" blockAlign="end" wrap={false}>
                <Box width="100%">
                  <TextField
                    label="Search products"
                    name="q"
                    value={value}
                    onChange={setValue}
                    autoComplete="off"
                    placeholder="Title, vendor or SKU"
                    clearButton
                    onClearButtonClick={() => setValue("")}
                  />
                </Box>
                <Button submit loading={searching}>
                  Search
                </Button>
              </InlineStack>
              <InlineGrid columns={{ xs: 1, sm: 2 }} gap="300">
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
                  label="Status"
                  name="status"
                  value={filters.status ?? ""}
                  onChange={(v) => apply("status", v)}
                  options={filterChoices(
                    "Any",
                    facets.statuses.map((s) => ({ label: productStatusLabel(s), value: s })),
                    filters.status,
                    productStatusLabel,
                  )}
                />
              </InlineGrid>
            </BlockStack>
          </Form>
        </Card>
        <Card padding="0">
          {products.length === 0 ? (
            <EmptyState heading={filtered ? "No product matches" : "No products yet"} image="/not-found.svg">
              <p>
                {filtered
                  ? "Try another store or status, or search for part of the title or SKU."
                  : "Products appear here once a store has synced its catalogue."}
              </p>
            </EmptyState>
          ) : (
            <ProductsTable products={products} />
          )}
          {total > 0 && (
            <ListFooter
              total={total}
              noun="product"
              suffix={filters.query ? ` matching “${filters.query}”` : ""}
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

export function ErrorBoundary() {
  return <PageError />;
}
