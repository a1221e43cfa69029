/**
 * `_fields=id,email,billing.email`: WordPress's rest_filter_response_fields, applied to successful answers only.
 * Nested names keep the named sub-keys; keys keep the body's own order; a nested filter on a list
 * (`line_items.id`) keeps nothing, as PHP's array_intersect_key does on a numeric array. In a list each item is
 * filtered, `_links` included (WooCommerce puts links into collection items); a single object keeps its `_links`,
 * which WordPress adds after filtering.
 */

type FieldTree = { [key: string]: FieldTree | true };

/** The requested field names: a comma/space separated string or an array (wp_parse_list). */
export function parseFieldList(value: unknown): string[] {
  const items = Array.isArray(value) ? value.map(String) : typeof value === "string" ? [value] : [];
  return items.flatMap((item) => item.split(/[\s,]+/)).filter(Boolean);
}

function fieldTree(fields: string[]): FieldTree {
  const tree: FieldTree = {};
  for (const field of fields) {
    const parts = field.split(".");
    let node = tree;
    let skipped = false;
    while (parts.length > 1) {
      const next = parts.shift()!;
      // A parent already included whole makes its sub-fields moot.
      if (node[next] === true) {
        skipped = true;
        break;
      }
      node[next] = (node[next] as FieldTree | undefined) ?? {};
      node = node[next] as FieldTree;
    }
    if (!skipped) node[parts[0]] = true;
  }
  return tree;
}

function intersect(value: unknown, tree: FieldTree): unknown {
  if (Array.isArray(value)) return [];
  if (!value || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const wanted = tree[key];
    if (wanted === undefined) continue;
    out[key] = wanted === true ? item : item && typeof item === "object" ? intersect(item, wanted) : item;
  }
  // An emptied PHP array encodes as [].
  return Object.keys(out).length === 0 ? [] : out;
}

/** Applies `_fields` to a response body (see the file comment). */
export function filterFields(body: unknown, fields: string[]): unknown {
  if (fields.length === 0) return body;
  const tree = fieldTree(fields);
  if (Array.isArray(body)) return body.map((item) => intersect(item, tree));
  if (!body || typeof body !== "object") return body;
  const links = (body as Record<string, unknown>)._links;
  const filtered = intersect(body, tree);
  if (links === undefined) return filtered;
  return { ...(Array.isArray(filtered) ? {} : (filtered as Record<string, unknown>)), _links: links };
}
