/**
 * Polls `check` until it holds, for what happens on another timer (a worker picking a job up, a lease running out).
 * Throws "timed out" after `timeoutMs`, so a test that waits for something that never happens fails with a reason
 * instead of reaching the test's own timeout.
 */
export async function until(
  check: () => Promise<boolean> | boolean,
  { timeoutMs = 15_000, everyMs = 50 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
