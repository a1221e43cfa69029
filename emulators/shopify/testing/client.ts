/** Plain HTTP helpers for the emulator's own tests (no library in between, to see exact status and body). */
import { DEFAULT_SHOP } from "../model";

export async function issueToken(baseUrl: string, scopes: string[], shop = DEFAULT_SHOP): Promise<string> {
  const res = await fetch(`${baseUrl}/_emulator/tokens`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ shop, scopes }),
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export interface GqlResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: {
    data?: T;
    errors?: Array<{
      message: string;
      path?: string[];
      locations?: unknown;
      extensions?: Record<string, unknown>;
    }>;
    extensions?: {
      cost: {
        requestedQueryCost: number;
        actualQueryCost: number | null;
        throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
      };
      search?: unknown;
    };
  };
}

/** POSTs a GraphQL request to the emulator as a Shopify client would. */
export async function gql<T = Record<string, unknown>>(
  baseUrl: string,
  token: string,
  query: string,
  options: { variables?: Record<string, unknown>; shop?: string; apiVersion?: string } = {},
): Promise<GqlResponse<T>> {
  const res = await fetch(`${baseUrl}/admin/api/${options.apiVersion ?? "2025-04"}/graphql.json`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Access-Token": token,
      "X-Emulated-Shop": options.shop ?? DEFAULT_SHOP,
    },
    body: JSON.stringify({ query, variables: options.variables }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text) as GqlResponse<T>["body"] };
}
