/** What the Shopify suites and their child process (shopify-child.ts) agree on. */
export const SHOP = "demo.myshopify.com";
export const BENCH_API_KEY = "bench-api-key";
export const BENCH_API_SECRET = "bench-api-secret-not-for-production";

export interface ChildOptions {
  /** Records the shop holds, per resource (checked against what the sync reports). */
  expected: { customers: number; orders: number; products: number };
  /** Port of the app URL (the webhook receiver). */
  appPort: number;
  /** Emulated time runs this many times faster (throttled mode). */
  timeScale?: number;
}
