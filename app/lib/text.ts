/** Plain-text helpers shared by the places that shorten text a person reads. */

/**
 * `text.slice(0, end)`, one code unit shorter when the cut would keep only the first half of a surrogate pair (an
 * emoji): half a pair is not text, and PostgreSQL's JSON refuses it.
 */
export function sliceWhole(text: string, end: number): string {
  return text.slice(0, end > 0 && /[\uD800-\uDBFF]/.test(text[end - 1] ?? "") ? end - 1 : end);
}
