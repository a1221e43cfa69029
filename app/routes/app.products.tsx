import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, InlineGrid, InlineStack, Text } from "@shopify/polaris";
import { embeddedContext } from "../embedded.server";
import { listProducts } from "../integrations/products-view.server";
import { FacetFilter, SearchBox, StoreFilter } from "../components/ListFilters";
import { ListPage } from "../components/ListPage";
import { PAGE_SIZE, pageNumberOf, searchQueryOf } from "../components/list-params";
import { PageError } from "../components/PageError";
import { RecordTable, type RecordColumn } from "../components/RecordTable";
import { formatDate, formatMoneyRange } from "../components/format";
import { productStatusLabel, productStatusTone, productTypeLabel } from "../components/product-status";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { db, organization } = await embeddedContext(request);
  const url = new URL(request.url);
  const filters = {
    integrationId: url.searchParams.get("store") || null,
    status: url.searchParams.get("status") || null,
    query: searchQueryOf(url),
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

/** Separate text pieces, not one string: Chromium places the glyphs of one text node a sub-pixel apart from several. */
const storeVariantsUpdated = (p: ProductRow) => (
  <>
    {p.storeName} · {variantsText(p)} · updated {formatDate(p.updatedAt)}
  </>
);

/** Phones: one stacked row per product. */
function stackedProduct(p: ProductRow) {
  return (
    <BlockStack gap="100">
      <InlineStack align="space-between" blockAlign="start" gap="200" wrap={false}>
        <Title product={p} />
        <Price product={p} />
      </InlineStack>
      <Text as="span" tone="subdued" variant="bodySm" breakWord>
        {storeVariantsUpdated(p)}
      </Text>
      <InlineStack gap="100">
        <StatusBadge product={p} />
      </InlineStack>
    </BlockStack>
  );
}

/** Tablets and narrow windows: three columns, the store, variants and date under the title. */
const TABLET_COLUMNS: RecordColumn<ProductRow>[] = [
  {
    title: "Product",
    cell: (p) => (
      <BlockStack gap="050">
        <Title product={p} />
        <Text as="span" tone="subdued" variant="bodySm" breakWord>
          {storeVariantsUpdated(p)}
        </Text>
      </BlockStack>
    ),
  },
  { title: "Status", cell: (p) => <StatusBadge product={p} /> },
  { title: "Price", alignment: "end", cell: (p) => <Price product={p} /> },
];

const COLUMNS: RecordColumn<ProductRow>[] = [
  { title: "Product", cell: (p) => <Title product={p} /> },
  { title: "Store", cell: (p) => p.storeName },
  { title: "Status", cell: (p) => <StatusBadge product={p} /> },
  {
    title: "Variants",
    alignment: "end",
    cell: (p) => (
      <Text as="span" alignment="end" numeric>
        {p.variantCount.toLocaleString("en-US")}
      </Text>
    ),
  },
  { title: "Updated", cell: (p) => formatDate(p.updatedAt) },
  { title: "Price", alignment: "end", cell: (p) => <Price product={p} /> },
];

/** Products from every store: search by title, vendor or SKU; filter by store and status. */
export default function Products() {
  const { products, total, page, facets, filters } = useLoaderData<typeof loader>();
  const filtered = !!(filters.integrationId || filters.status || filters.query);
  return (
    <ListPage
      title="Products"
      subtitle="The catalogue of every store, most recently changed first. Prices are in each product’s currency."
      filters={
        <Form method="get" role="search">
          <BlockStack gap="300">
            <SearchBox label="Search products" placeholder="Title, vendor or SKU" query={filters.query} />
            <InlineGrid columns={{ xs: 1, sm: 2 }} gap="300">
              <StoreFilter stores={facets.stores} value={filters.integrationId} />
              <FacetFilter
                label="Status"
                name="status"
                values={facets.statuses}
                labelOf={productStatusLabel}
                value={filters.status}
              />
            </InlineGrid>
          </BlockStack>
        </Form>
      }
      rowCount={products.length}
      empty={
        filtered
          ? {
              heading: "No product matches",
              text: "Try another store or status, or search for part of the title or SKU.",
            }
          : {
              heading: "No products yet",
              text: "Products appear here once a store has synced its catalogue.",
            }
      }
      total={total}
      noun="product"
      suffix={filters.query ? ` matching “${filters.query}”` : ""}
      page={page}
    >
      <RecordTable
        rows={products}
        resourceName={{ singular: "product", plural: "products" }}
        stacked={stackedProduct}
        tablet={TABLET_COLUMNS}
        columns={COLUMNS}
      />
    </ListPage>
  );
}

export function ErrorBoundary() {
  return <PageError />;
}
