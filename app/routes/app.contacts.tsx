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
  InlineStack,
  Page,
  Text,
  TextField,
  useBreakpoints,
} from "@shopify/polaris";
import { useState } from "react";
import { embeddedContext } from "../embedded.server";
import { searchContacts } from "../integrations/contacts-view.server";
import { ConsentBadge } from "../components/ConsentBadge";
import { ListFooter } from "../components/ListFooter";
import { pageNumberOf, useListParams } from "../components/list-params";
import { PageError } from "../components/PageError";
import { formatCount, formatMoney } from "../components/format";

const PAGE_SIZE = 25;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { db, organization } = await embeddedContext(request);
  const url = new URL(request.url);
  const query = (url.searchParams.get("q") ?? "").slice(0, 200);
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

/**
 * Below Polaris's md breakpoint (phones) the IndexTable is condensed: one stacked row per contact with the same
 * fields (name and email, consent, stores, orders and total spent), so nothing scrolls sideways inside the card.
 */
function ContactsTable({ contacts }: { contacts: ContactRow[] }) {
  const { mdDown } = useBreakpoints();
  const resourceName = { singular: "contact", plural: "contacts" };
  if (mdDown)
    return (
      <IndexTable
        condensed
        resourceName={resourceName}
        itemCount={contacts.length}
        selectable={false}
        headings={[{ title: "Contact" }]}
      >
        {contacts.map((c, index) => (
          <IndexTable.Row id={c.id} key={c.id} position={index}>
            <Box padding="300" width="100%">
              <BlockStack gap="200">
                <InlineStack align="space-between" blockAlign="start" gap="200" wrap={false}>
                  <Identity contact={c} />
                  <ConsentBadge state={c.marketingState} optInLevel={c.marketingOptInLevel} />
                </InlineStack>
                <Stores contact={c} />
                <InlineStack align="space-between" blockAlign="start" gap="200" wrap={false}>
                  <Text as="span" tone="subdued">
                    {formatCount(c.ordersCount)} order{c.ordersCount === 1 ? "" : "s"}
                  </Text>
                  <TotalSpent contact={c} align="end" />
                </InlineStack>
              </BlockStack>
            </Box>
          </IndexTable.Row>
        ))}
      </IndexTable>
    );
  return (
    <IndexTable
      resourceName={resourceName}
      itemCount={contacts.length}
      selectable={false}
      headings={[
        { title: "Contact" },
        { title: "Email consent" },
        { title: "Stores" },
        { title: "Orders", alignment: "end" },
        { title: "Total spent", alignment: "end" },
      ]}
    >
      {contacts.map((c, index) => (
        <IndexTable.Row id={c.id} key={c.id} position={index}>
          <IndexTable.Cell>
            <Identity contact={c} />
          </IndexTable.Cell>
          <IndexTable.Cell>
            <ConsentBadge state={c.marketingState} optInLevel={c.marketingOptInLevel} />
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Stores contact={c} />
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" alignment="end" numeric>
              {formatCount(c.ordersCount)}
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <TotalSpent contact={c} align="end" />
          </IndexTable.Cell>
        </IndexTable.Row>
      ))}
    </IndexTable>
  );
}

/** Contacts across stores: search by email or name; consent, stores, orders and total spent per currency. */
export default function Contacts() {
  const { contacts, total, page, query } = useLoaderData<typeof loader>();
  const { pageUrl } = useListParams();
  const navigation = useNavigation();
  const [value, setValue] = useState(query);
  const searching = navigation.state === "loading" && navigation.location?.pathname === "/app/contacts";
  return (
    <Page
      title="Contacts"
      subtitle="Everyone who bought or signed up in any of your stores, once per email address."
    >
      <BlockStack gap="400">
        <Card>
          <Form method="get" role="search">
            <InlineStack gap="200" blockAlign="end" wrap={false}>
              <Box width="100%">
                <TextField
                  label="Search contacts"
                  name="q"
                  value={value}
                  onChange={setValue}
                  autoComplete="off"
                  placeholder="Email or name, e.g. jane@example.com or Jane Doe"
                  clearButton
                  onClearButtonClick={() => setValue("")}
                />
              </Box>
              <Button submit loading={searching}>
                Search
              </Button>
            </InlineStack>
          </Form>
        </Card>
        <Card padding="0">
          {contacts.length === 0 ? (
            <EmptyState
              heading={query ? "No contact matches your search" : "No contacts yet"}
              image="/not-found.svg"
            >
              <p>
                {query
                  ? `Nobody’s email or name contains “${query}”. Check the spelling or search for part of it.`
                  : "Contacts appear here once a store has synced its customers."}
              </p>
            </EmptyState>
          ) : (
            <ContactsTable contacts={contacts} />
          )}
          {total > 0 && (
            <ListFooter
              total={total}
              noun="contact"
              suffix={query ? ` matching “${query}”` : ""}
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
