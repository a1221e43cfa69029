/**
 * The query string of a paged, filtered list page (contacts, orders, products): the page number a loader reads, and
 * the links and filter changes the page makes, each keeping the other parameters.
 */
import { useSearchParams, useSubmit } from "@remix-run/react";

/** Records per page of every list. */
export const PAGE_SIZE = 25;

/** `?page=N` as a page number from 1 (anything else is page 1). */
export function pageNumberOf(url: URL): number {
  return Math.max(1, Number.parseInt(url.searchParams.get("page") ?? "1", 10) || 1);
}

/** `?q=` as a search, at most 200 characters ("" for none). */
export function searchQueryOf(url: URL): string {
  return (url.searchParams.get("q") ?? "").slice(0, 200);
}

export function useListParams() {
  const [params] = useSearchParams();
  const submit = useSubmit();
  /** The address of another page of the same list. */
  const pageUrl = (page: number) => {
    const next = new URLSearchParams(params);
    next.set("page", String(page));
    return `?${next.toString()}`;
  };
  /** Sets (or clears, for "") one filter and goes back to the first page. */
  const applyFilter = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    next.delete("page");
    submit(next, { method: "get", replace: true });
  };
  return { pageUrl, applyFilter };
}

/**
 * A filter's choices: "any" first, then the values present. A value in the address that is not among them (a store
 * of another organization, a status no record has, a mistyped link) is still shown as chosen, marked as matching
 * nothing, rather than the select claiming "any" over an empty list.
 */
export function filterChoices(
  any: string,
  present: Array<{ label: string; value: string }>,
  current: string | null | undefined,
  labelOf: (value: string) => string,
): Array<{ label: string; value: string }> {
  const missing = current && !present.some((choice) => choice.value === current);
  return [
    { label: any, value: "" },
    ...present,
    ...(missing ? [{ label: `${labelOf(current)} (none)`, value: current }] : []),
  ];
}
