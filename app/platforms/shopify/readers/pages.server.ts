/**
 * Paginated reads (incremental syncs, and full syncs of small stores): pages sorted by `updatedAt`, each committed
 * with a cursor holding Shopify's page cursor, so a killed read resumes on the next page. Parents whose child
 * connection (line items, variants) does not fit the page are completed with follow-up queries before the page is
 * handed over, so the engine always receives whole records.
 */
import type { SourcePage } from "../../../sync/types";
import type { ShopifyGraphqlClient } from "../client.server";
import { encodeCursor, newerOf, sinceAfter, type PagesCursor } from "./cursor";
import type { ChildConnectionSpec, ResourceSpec } from "./specs";

interface Connection<T> {
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

type ParentNode = Record<string, unknown> & { id: string; updatedAt?: string };

/** Reads pages from `start` to the end. The last page's cursor is the `since` position for the next read. */
export async function* readPages(
  client: ShopifyGraphqlClient,
  spec: ResourceSpec,
  start: PagesCursor,
  signal: AbortSignal,
): AsyncGenerator<SourcePage<ParentNode>> {
  let state = start;
  for (;;) {
    const variables: Record<string, unknown> = {
      first: spec.pageSize,
      after: state.after,
      query: state.filter,
      ...(spec.child ? { [spec.child.pageVariable]: spec.child.pageSize } : {}),
    };
    const data = await client.request<Record<string, Connection<ParentNode>>>(
      spec.pageOperation,
      spec.pageDocument,
      variables,
      { signal },
    );
    const connection = data[spec.root];
    const nodes = connection.nodes;
    if (spec.child) await completeChildren(client, spec.child, nodes, signal);
    let newest = state.newest;
    for (const node of nodes) newest = newerOf(newest, node.updatedAt);
    state = { ...state, after: connection.pageInfo.endCursor ?? state.after, newest };
    const last = !connection.pageInfo.hasNextPage;
    yield {
      records: nodes,
      cursor: encodeCursor(last ? sinceAfter(newest, state.since) : state),
    };
    if (last) return;
  }
}

/**
 * Fetches the children that did not fit the page (or the single-record query), so every parent carries all of them.
 */
export async function completeChildren(
  client: ShopifyGraphqlClient,
  child: ChildConnectionSpec,
  parents: ParentNode[],
  signal?: AbortSignal,
): Promise<void> {
  for (const parent of parents) {
    const connection = parent[child.field] as Connection<unknown> | undefined;
    if (!connection) continue;
    const all = [...connection.nodes];
    let pageInfo = connection.pageInfo;
    while (pageInfo?.hasNextPage) {
      const data = await client.request<Record<string, Record<string, Connection<unknown>> | null>>(
        child.operation,
        child.document,
        { id: parent.id, first: child.followUpPageSize, after: pageInfo.endCursor },
        { signal },
      );
      const next = data[child.root]?.[child.field];
      if (!next) break; // the parent was deleted meanwhile: keep what we have
      all.push(...next.nodes);
      pageInfo = next.pageInfo;
    }
    parent[child.field] = { nodes: all };
  }
}
