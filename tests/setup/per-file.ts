/**
 * Loaded before every test file. A test that makes the code under test print console.error fails: errors must be
 * asserted, not scrolled past. Tests that expect one spy on console.error themselves.
 */
import { afterEach, beforeEach, vi } from "vitest";
import { installLogCapture } from "./log-capture";

// Every log line of the run is also captured for the secret scan at the end (tests/setup/log-capture.ts).
installLogCapture();

let errors: unknown[][] = [];
let original: typeof console.error;

beforeEach(() => {
  errors = [];
  original = console.error;
  console.error = (...args: unknown[]) => {
    errors.push(args);
    original(...args);
  };
});

afterEach(() => {
  const seen = errors;
  console.error = original;
  vi.restoreAllMocks();
  if (seen.length > 0) {
    throw new Error(
      `console.error was called ${seen.length} time(s); first: ${seen[0].map(String).join(" ")}`,
    );
  }
});
