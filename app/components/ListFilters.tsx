import { useState } from "react";
import { useLocation, useNavigation } from "@remix-run/react";
import { Box, Button, InlineStack, Select, TextField } from "@shopify/polaris";
import { filterChoices, useListParams } from "./list-params";

/**
 * A list's search field (`?q=`) and its Search button, which spins while this page loads the results. Goes inside
 * the page's `<Form method="get">`.
 */
export function SearchBox({
  label,
  placeholder,
  query,
}: {
  label: string;
  placeholder: string;
  query: string;
}) {
  const [value, setValue] = useState(query);
  const { pathname } = useLocation();
  const navigation = useNavigation();
  const searching = navigation.state === "loading" && navigation.location?.pathname === pathname;
  return (
    <InlineStack gap="200" blockAlign="end" wrap={false}>
      <Box width="100%">
        <TextField
          label={label}
          name="q"
          value={value}
          onChange={setValue}
          autoComplete="off"
          placeholder={placeholder}
          clearButton
          onClearButtonClick={() => setValue("")}
        />
      </Box>
      <Button submit loading={searching}>
        Search
      </Button>
    </InlineStack>
  );
}

/** The store filter (`?store=`): every store of the organization, or all of them. Applied as soon as it is chosen. */
export function StoreFilter({
  stores,
  value,
}: {
  stores: Array<{ id: string; name: string }>;
  value: string | null;
}) {
  const { applyFilter } = useListParams();
  return (
    <Select
      label="Store"
      name="store"
      value={value ?? ""}
      onChange={(v) => applyFilter("store", v)}
      options={filterChoices(
        "All stores",
        stores.map((s) => ({ label: s.name, value: s.id })),
        value,
        () => "Unknown store",
      )}
    />
  );
}

/**
 * A filter on one field of the records (`?{name}=`): "Any", then the values the records have, each shown by
 * `labelOf`. Applied as soon as it is chosen.
 */
export function FacetFilter({
  label,
  name,
  values,
  labelOf,
  value,
}: {
  label: string;
  name: string;
  values: string[];
  labelOf: (value: string) => string;
  value: string | null;
}) {
  const { applyFilter } = useListParams();
  return (
    <Select
      label={label}
      name={name}
      value={value ?? ""}
      onChange={(v) => applyFilter(name, v)}
      options={filterChoices(
        "Any",
        values.map((v) => ({ label: labelOf(v), value: v })),
        value,
        labelOf,
      )}
    />
  );
}
