/**
 * The routes every WooCommerce CRUD resource has — collection, item and batch — wired to one resource's handlers,
 * in WordPress's order: argument validation → permission (401 for anonymous) → handler.
 */
import type { WooEmulatorContext } from "../context";
import { RestError, noRoute } from "../errors";
import { ITEM_ALLOW, isForce, requireUser, type RestRequest, type RestResult } from "./request";

export interface RestResource {
  /** REST base relative to /wc/v3 (e.g. "orders", "products/12/variations"), for Location headers. */
  base: string;
  list(ctx: WooEmulatorContext, req: RestRequest): RestResult;
  /** The rendered record; throws the resource's not-found error. */
  read(ctx: WooEmulatorContext, id: number): unknown;
  /** Argument checks WordPress runs before the permission check (required parameters, formats). */
  validateCreate?(params: Record<string, unknown>): void;
  validateUpdate?(params: Record<string, unknown>): void;
  /** Creates and returns the rendered record (with its `id`). */
  create(
    ctx: WooEmulatorContext,
    params: Record<string, unknown>,
    userId: number,
  ): Promise<unknown> | unknown;
  /** Updates and returns the rendered record. */
  update(ctx: WooEmulatorContext, id: number, params: Record<string, unknown>): unknown;
  /** Trashes or deletes; returns the record as it was before (WooCommerce renders it first). */
  remove(ctx: WooEmulatorContext, id: number, force: boolean): unknown;
}

/** `woocommerce_rest_batch_items_limit` default. */
export const BATCH_LIMIT = 100;

const isRead = (method: string) => method === "GET" || method === "HEAD";
const isEdit = (method: string) => method === "PUT" || method === "PATCH" || method === "POST";

/** `GET` lists, `POST` creates (201 + Location). */
export async function collectionRoute(
  ctx: WooEmulatorContext,
  resource: RestResource,
  req: RestRequest,
): Promise<RestResult> {
  if (isRead(req.method)) {
    // WordPress validates arguments before the permission callback runs.
    if (!req.key) {
      resource.list(ctx, { ...req, query: [...req.query] });
      requireUser(req, "list");
    }
    await ctx.load.listDelay();
    return resource.list(ctx, req);
  }
  if (req.method === "POST") {
    resource.validateCreate?.(req.params);
    requireUser(req, "create");
    const body = (await resource.create(ctx, req.params, req.key!.userId)) as { id: number };
    return {
      status: 201,
      body,
      headers: { Location: `${ctx.siteUrl}/wp-json/wc/v3/${resource.base}/${body.id}` },
    };
  }
  throw noRoute();
}

/** `GET` reads, `PUT`/`PATCH`/`POST` update, `DELETE` trashes (or deletes with `force=true`). */
export function itemRoute(
  ctx: WooEmulatorContext,
  resource: RestResource,
  req: RestRequest,
  id: number,
): RestResult {
  if (isRead(req.method)) {
    requireUser(req, "view");
    return { status: 200, body: resource.read(ctx, id), headers: ITEM_ALLOW };
  }
  if (isEdit(req.method)) {
    resource.validateUpdate?.(req.params);
    requireUser(req, "edit");
    return { status: 200, body: resource.update(ctx, id, req.params), headers: ITEM_ALLOW };
  }
  if (req.method === "DELETE") {
    requireUser(req, "delete");
    return { status: 200, body: resource.remove(ctx, id, isForce(req.params.force)) };
  }
  throw noRoute();
}

function itemError(error: unknown): { code: string; message: string; data: unknown } {
  if (error instanceof RestError) return error.body() as { code: string; message: string; data: unknown };
  throw error;
}

/**
 * `{resource}/batch` (POST, PUT or PATCH): `{create: [...], update: [...], delete: [ids]}`, at most 100 items in
 * all (413 `woocommerce_rest_request_entity_too_large`). Answers 200 with each item's result or its error
 * (`{id, error: {code, message, data}}`); deletes are forced. Items go straight to the handlers, as WooCommerce's
 * batch_items() calls them: the route's argument checks do not run per item.
 */
export async function batchRoute(
  ctx: WooEmulatorContext,
  resource: RestResource,
  req: RestRequest,
): Promise<RestResult> {
  if (!isEdit(req.method)) throw noRoute();
  requireUser(req, "batch");
  const section = (name: string) => {
    const value = req.params[name];
    return Array.isArray(value) && value.length > 0 ? value : [];
  };
  const create = section("create") as Record<string, unknown>[];
  const update = section("update") as Record<string, unknown>[];
  const remove = section("delete");
  if (create.length + update.length + remove.length > BATCH_LIMIT) {
    throw new RestError(
      413,
      "woocommerce_rest_request_entity_too_large",
      `Unable to accept more than ${BATCH_LIMIT} items for this request.`,
    );
  }
  const body: Record<string, unknown[]> = {};
  if (create.length) {
    body.create = [];
    for (const item of create) {
      try {
        body.create.push(await resource.create(ctx, item ?? {}, req.key!.userId));
      } catch (error) {
        body.create.push({ id: 0, error: itemError(error) });
      }
    }
  }
  if (update.length) {
    body.update = update.map((item) => {
      const id = Number((item ?? {}).id ?? 0);
      try {
        return resource.update(ctx, id, item ?? {});
      } catch (error) {
        return { id: (item ?? {}).id ?? null, error: itemError(error) };
      }
    });
  }
  if (remove.length) {
    body.delete = [];
    for (const raw of remove) {
      const id = Math.trunc(Number(raw));
      if (!id) continue;
      try {
        body.delete.push(resource.remove(ctx, id, true));
      } catch (error) {
        body.delete.push({ id, error: itemError(error) });
      }
    }
  }
  return { status: 200, body };
}
