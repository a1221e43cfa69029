/** Resolves when `check` holds, polling every `everyMs`; the test's own timeout is the failure. */
export async function until(check: () => Promise<boolean> | boolean, everyMs = 20): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, everyMs));
}
