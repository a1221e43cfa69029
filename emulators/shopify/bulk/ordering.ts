/**
 * The order of a bulk result's lines. Decisions come from a generator seeded per operation, so the same emulator
 * seed and operation give the same file on every read (the count pass and the download agree).
 *
 * - Grouped (`groupObjects: true`, the only behaviour before API 2026-01): a child comes after its parent, but not
 *   always right after it — part of one parent's children may be held back until after the next parent.
 * - Ungrouped (the default from 2026-01): a child may come BEFORE its parent. Some parents' children (and their
 *   own children, in reverse order, so a grandchild may precede its parent too) are written ahead of the parent
 *   line; the first parent that has children always gets this treatment, so any file with nested lines has at
 *   least one child ahead of its parent. Others are deferred past the next parent.
 */
import type { Prng } from "../seed/prng";

export interface BulkLine {
  object: Record<string, unknown>;
  /** Nested connection children (and grandchildren), in output order after the object. */
  children: BulkLine[];
}

export interface OrderedLine {
  object: Record<string, unknown>;
  /** True for top-level objects (rootObjectCount). */
  root: boolean;
}

/** Depth first: each child followed by its own descendants. */
function flatten(
  lines: BulkLine[],
  out: Array<Record<string, unknown>> = [],
): Array<Record<string, unknown>> {
  for (const line of lines) {
    out.push(line.object);
    flatten(line.children, out);
  }
  return out;
}

function* asChildren(objects: Array<Record<string, unknown>>): Generator<OrderedLine> {
  for (const object of objects) yield { object, root: false };
}

/** Grouped order: every child after its parent, some deferred past the next parent. */
export function* groupedLines(trees: Iterable<BulkLine>, prng: Prng): Generator<OrderedLine> {
  let held: Array<Record<string, unknown>> = [];
  for (const tree of trees) {
    yield { object: tree.object, root: true };
    // Children held back from the previous parent come after this parent: still after their own parent.
    yield* asChildren(held);
    held = [];
    const children = flatten(tree.children);
    if (tree.children.length > 1 && prng.chance(0.3)) {
      const keep = flatten(tree.children.slice(0, prng.int(1, tree.children.length - 1)));
      yield* asChildren(keep);
      held = children.slice(keep.length);
    } else {
      yield* asChildren(children);
    }
  }
  yield* asChildren(held);
}

/** Ungrouped order: children may come before their parent (see the file comment). */
export function* ungroupedLines(trees: Iterable<BulkLine>, prng: Prng): Generator<OrderedLine> {
  let deferred: Array<Record<string, unknown>> = [];
  let forcedAhead = false;
  for (const tree of trees) {
    const children = flatten(tree.children);
    const roll = prng.next();
    if (children.length > 0 && (!forcedAhead || roll < 0.35)) {
      forcedAhead = true;
      const ahead = prng.int(1, children.length);
      yield* asChildren(children.slice(0, ahead).reverse());
      yield { object: tree.object, root: true };
      yield* asChildren(deferred);
      deferred = [];
      yield* asChildren(children.slice(ahead));
    } else if (children.length > 0 && roll < 0.55) {
      yield { object: tree.object, root: true };
      yield* asChildren(deferred);
      deferred = children;
    } else {
      yield { object: tree.object, root: true };
      yield* asChildren(deferred);
      deferred = [];
      yield* asChildren(children);
    }
  }
  yield* asChildren(deferred);
}
