/** Helpers for driving the embedded app inside the Shopify emulator's mini admin. */
import { expect, test, type FrameLocator, type Page } from "@playwright/test";

export const SHOPIFY = `http://127.0.0.1:${process.env.E2E_SHOPIFY_PORT || 4310}`;
export const SHOP = "demo.myshopify.com";

/** Opens `/app{path}` of the embedded app in the mini admin and returns the app's frame. */
export async function openApp(page: Page, path = ""): Promise<FrameLocator> {
  await page.goto(`${SHOPIFY}/admin/apps/commerce-sync/app${path}?shop=${SHOP}`);
  return page.frameLocator("#app-iframe");
}

/**
 * A full-page screenshot of the admin with the app frame grown to its content (a framed page scrolls inside its
 * frame, which a plain full-page screenshot would cut off).
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const width = page.viewportSize()?.width ?? 1280;
  const frame = page.frames().find((f) => f !== page.mainFrame());
  const height = frame ? await frame.evaluate(() => document.documentElement.scrollHeight).catch(() => 0) : 0;
  await page.setViewportSize({ width, height: Math.max(720, height + 64) });
  await page.waitForTimeout(300);
  await page.screenshot({ path: `test-results/${name}.png`, fullPage: true });
  await page.setViewportSize({ width, height: 720 });
}

/** Waits until the app shows its page title. */
export async function expectPage(app: FrameLocator, title: string) {
  await expect(app.getByRole("heading", { name: title, level: 1 })).toBeVisible({ timeout: 30_000 });
}

/** Every request of the page (its frames included) to a host other than this machine, collected as they happen. */
export function recordOffHostRequests(page: Page): string[] {
  const external: string[] = [];
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (url.protocol === "data:" || url.protocol === "blob:" || url.protocol === "about:") return;
    if (url.hostname !== "127.0.0.1" && url.hostname !== "localhost") external.push(req.url());
  });
  return external;
}

/**
 * For every test of the spec file that calls it: no page loads anything from off this machine (no Shopify CDN, fonts,
 * admin.shopify.com).
 */
export function expectNoOffHostRequests(): void {
  let offHost: string[] = [];
  test.beforeEach(({ page }) => {
    offHost = recordOffHostRequests(page);
  });
  test.afterEach(() => expect(offHost, "requests that left 127.0.0.1").toEqual([]));
}

/** The page (or the app's frame inside the admin) is no wider than the window: no horizontal scrolling. */
export async function expectNoHorizontalOverflow(page: Page, what: string) {
  const frame = page.frames().find((f) => f !== page.mainFrame() && f.name() === "app-iframe");
  for (const target of frame ? [page.mainFrame(), frame] : [page.mainFrame()]) {
    const overflow = await target.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, `horizontal overflow of ${what} at ${page.viewportSize()?.width}px`).toBeLessThanOrEqual(
      1,
    );
  }
}

/**
 * No text of the page (or of the app's frame inside the admin) is cut off sideways: every visible piece of text lies
 * inside the window and inside each ancestor that clips or scrolls horizontally (a table scrolling inside its card,
 * a column pushed past the card's edge). Returns nothing; fails naming the first clipped texts and where they are.
 */
export async function expectNothingClipped(page: Page, what: string) {
  const frame = page.frames().find((f) => f !== page.mainFrame() && f.name() === "app-iframe");
  const target = frame ?? page.mainFrame();
  const clipped = await target.evaluate(() => {
    const found: string[] = [];
    const viewportWidth = document.documentElement.clientWidth;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode() && found.length < 10) {
      const node = walker.currentNode;
      const text = node.textContent?.trim() ?? "";
      const el = node.parentElement;
      if (!text || !el || el.closest("script, style, noscript, [aria-hidden='true']")) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
      if (rects.length === 0 || getComputedStyle(el).visibility === "hidden") continue;
      const left = Math.min(...rects.map((r) => r.left));
      const right = Math.max(...rects.map((r) => r.right));
      let reason = left < -1 || right > viewportWidth + 1 ? `outside the ${viewportWidth}px window` : "";
      // Screen-reader-only text sits in a 1px box on purpose; anything inside one is not shown, hence not clipped.
      let hiddenOnPurpose = false;
      for (let a: HTMLElement | null = el; a && a !== document.body; a = a.parentElement) {
        const box = a.getBoundingClientRect();
        if (box.width <= 1 || box.height <= 1) {
          hiddenOnPurpose = getComputedStyle(a).overflow !== "visible";
          if (hiddenOnPurpose) break;
        }
        if (
          !reason &&
          getComputedStyle(a).overflowX !== "visible" &&
          (left < box.left - 1 || right > box.right + 1)
        )
          reason = `cut by <${a.tagName.toLowerCase()} class="${a.className}"> (${Math.round(box.left)}–${Math.round(box.right)}px)`;
      }
      if (reason && !hiddenOnPurpose)
        found.push(`"${text.slice(0, 40)}" at ${Math.round(left)}–${Math.round(right)}px, ${reason}`);
    }
    return found;
  });
  expect.soft(clipped, `text cut off sideways on ${what} at ${page.viewportSize()?.width}px`).toEqual([]);
}
