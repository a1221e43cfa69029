/** Sort keys and the (sort value, id) tuples connections and tables order records by. */
export type SortKey = "UPDATED_AT" | "CREATED_AT" | "ID" | "PROCESSED_AT";

/** (sort value, id): epoch ms or the id itself, then the id as a tie-break. */
export type SortTuple = [number | bigint, bigint];

export function compareKeys(a: SortTuple, b: SortTuple): number {
  // `<` / `>` compare a bigint with a number by value (a cursor decodes a short id as a number): `!==` would not.
  if (a[0] < b[0]) return -1;
  if (a[0] > b[0]) return 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}
