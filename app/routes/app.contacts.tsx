import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, InlineStack, Text } from "@shopify/polaris";
import { embeddedContext } from "../embedded.server";
import { searchContacts } from "../integrations/contacts-view.server";
import { ConsentBadge } from "../components/ConsentBadge";
import { SearchBox } from "../components/ListFilters";
import { ListPage } from "../components/ListPage";
import { PAGE_SIZE, pageNumberOf, searchQueryOf } from "../components/list-params";
import { PageError } from "../components/PageError";
import { RecordTable, type RecordColumn } from "../components/RecordTable";
import { formatCount, formatMoney } from "../components/format";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { db, organization } = await embeddedContext(request);
  const url = new URL(request.url);
  const query = searchQueryOf(url);
  const page = pageNumberOf(url);
  const result = await searchContacts(db, organization.organizationId, { query, page, pageSize: PAGE_SIZE });
  return json({ ...result, query });
};

type ContactRow = ReturnType<typeof useLoaderData<typeof loader>>["contacts"][number];

/** The contact's name over their email (or phone); a guest without a name is shown by the address alone. */
function Identity({ contact }: { contact: ContactRow }) {
  const name = [contact.firstName, contact.lastName].filter(Boolean).join(" ");
  const address = contact.email ?? contact.phone ?? "No email";
  return (
    <BlockStack gap="050">
      <Text as="span" fontWeight="semibold" breakWord>
        {name || address}
      </Text>
      {name && (
        <Text as="span" tone="subdued" variant="bodySm" breakWord>
          {address}
        </Text>
      )}
    </BlockStack>
  );
}

function Stores({ contact }: { contact: ContactRow }) {
  return (
    <InlineStack gap="100" wrap>
      {contact.stores.map((s) => (
        <Badge
          key={`${s.integrationId}:${s.externalId}`}
          tone={s.platform === "shopify" ? "success" : "info"}
        >
          {`${s.name}${s.externalId.startsWith("guest:") ? " (guest)" : ""}`}
        </Badge>
      ))}
      {contact.stores.length === 0 && (
        <Text as="span" tone="subdued">
          No store
        </Text>
      )}
    </InlineStack>
  );
}

function TotalSpent({ contact, align }: { contact: ContactRow; align: "start" | "end" }) {
  if (contact.totalSpent.length === 0)
    return (
      <Text as="span" tone="subdued" alignment={align}>
        —
      </Text>
    );
  return (
    <BlockStack gap="050" inlineAlign={align}>
      {contact.totalSpent.map((m) => (
        <Text as="span" key={m.currency} numeric>
          {formatMoney(m.amount, m.currency)}
        </Text>
      ))}
    </BlockStack>
  );
}

const consentOf = (c: ContactRow) => (
  <ConsentBadge state={c.marketingState} optInLevel={c.marketingOptInLevel} />
);

/** Phones: one stacked row per contact with the same fields as the columns of wider windows. */
function stackedContact(c: ContactRow) {
  return (
    <BlockStack gap="200">
      <InlineStack align="space-between" blockAlign="start" gap="200" wrap={false}>
        <Identity contact={c} />
        {consentOf(c)}
      </InlineStack>
      <Stores contact={c} />
      <InlineStack align="space-between" blockAlign="start" gap="200" wrap={false}>
        <Text as="span" tone="subdued">
          {formatCount(c.ordersCount)} order{c.ordersCount === 1 ? "" : "s"}
        </Text>
        <TotalSpent contact={c} align="end" />
      </InlineStack>
    </BlockStack>
  );
}

/** Five columns fit a tablet as well as a desktop window. */
const COLUMNS: RecordColumn<ContactRow>[] = [
  { title: "Contact", cell: (c) => <Identity contact={c} /> },
  { title: "Email consent", cell: consentOf },
  { title: "Stores", cell: (c) => <Stores contact={c} /> },
  {
    title: "Orders",
    alignment: "end",
    cell: (c) => (
      <Text as="span" alignment="end" numeric>
        {formatCount(c.ordersCount)}
      </Text>
    ),
  },
  { title: "Total spent", alignment: "end", cell: (c) => <TotalSpent contact={c} align="end" /> },
];

/** Contacts across stores: search by email or name; consent, stores, orders and total spent per currency. */
export default function Contacts() {
  const { contacts, total, page, query } = useLoaderData<typeof loader>();
  return (
    <ListPage
      title="Contacts"
      subtitle="Everyone who bought or signed up in any of your stores, once per email address."
      filters={
        <Form method="get" role="search">
          <SearchBox
            label="Search contacts"
            placeholder="Email or name, e.g. jane@example.com or Jane Doe"
            query={query}
          />
        </Form>
      }
      rowCount={contacts.length}
      empty={
        query
          ? {
              heading: "No contact matches your search",
              text: `Nobody’s email or name contains “${query}”. Check the spelling or search for part of it.`,
            }
          : {
              heading: "No contacts yet",
              text: "Contacts appear here once a store has synced its customers.",
            }
      }
      total={total}
      noun="contact"
      suffix={query ? ` matching “${query}”` : ""}
      page={page}
    >
      <RecordTable
        rows={contacts}
        resourceName={{ singular: "contact", plural: "contacts" }}
        stacked={stackedContact}
        columns={COLUMNS}
      />
    </ListPage>
  );
}

export function ErrorBoundary() {
  return <PageError />;
}
