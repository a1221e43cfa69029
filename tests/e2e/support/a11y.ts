/**
 * Accessibility checks of the app's pages with axe-core (docs/decisions/0053-accessibility-checks.md): a violation of
 * a WCAG 2.0 or 2.1 (A or AA) rule with impact "serious" or "critical" fails the test, and so does `region` (content
 * outside every landmark). The other violations (impact "moderate" or "minor", and axe's other best practices such as
 * heading order) are printed, not enforced.
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, type Frame, type Page } from "@playwright/test";

const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const ENFORCED = new Set(["serious", "critical"]);
/** Rules enforced whatever their impact: every piece of a page is inside a landmark (ADR 0053 addendum). */
const ENFORCED_RULES = new Set(["region"]);

/**
 * Rules that fail on markup Polaris or App Bridge renders and our code cannot change, each on exactly the selector
 * it fails on. Never a rule for the whole page.
 */
const KNOWN: Array<{ rule: string; selector: string; why: string }> = [
  {
    rule: "button-name",
    selector: ".Polaris-Frame-Toast__CloseButton",
    why: "Polaris's Toast (13.9) draws its close button as an icon-only <button> with no label",
  },
  // The overview's orders chart is Polaris Viz's LineChart (app/components/OrdersChart.tsx; the same numbers are in
  // the text above it and in the figure's label).
  {
    rule: "aria-required-children",
    selector: '[data-testid="orders-chart"]',
    why: "Polaris Viz draws its <svg role=table> with role=image children and its legend as a role=list of buttons",
  },
  {
    rule: "svg-img-alt",
    selector: '[data-testid="orders-chart"]',
    why: "Polaris Viz draws each data point as a <circle role=image> without a label",
  },
  {
    rule: "empty-table-header",
    selector: '[data-testid="orders-chart"]',
    why: "Polaris Viz's hidden data table has an empty row header (minor; listed so the output stays readable)",
  },
  {
    rule: "region",
    selector: '.Polaris-Tooltip-TooltipOverlay__Content[role="tooltip"]',
    why:
      "Polaris draws a tooltip (the page's 'Sync now' help text) in its portal after <main>; the button names it " +
      "with aria-describedby, so a screen reader reads it with the button (moderate)",
  },
  {
    rule: "region",
    selector: ".Polaris-Frame__Skip",
    why: "Polaris's Frame puts its 'Skip to content' link before its landmarks, by design (moderate)",
  },
];

type Violation = Awaited<ReturnType<AxeBuilder["analyze"]>>["violations"][number];

/**
 * The app's own document: for an embedded page, the document of the admin's `#app-iframe`. The emulated admin's
 * chrome around that frame (top bar, navigation, title bar) stands in for Shopify's admin and is not the product, so
 * it is not checked. Axe runs with that document as its top frame, so the page-level rules (language, title,
 * landmarks, a level-one heading) apply to the app's page, not to the emulator's.
 */
function appDocument(page: Page, frame: Frame | null): Page {
  if (!frame) return page;
  const view = {
    evaluate: frame.evaluate.bind(frame),
    evaluateHandle: frame.evaluateHandle.bind(frame),
    mainFrame: () => frame,
    frames: () => [frame, ...frame.childFrames()],
    context: () => page.context(),
  };
  return view as unknown as Page;
}

/** The app's frame inside the emulated admin, or null on a standalone page. */
export function appFrame(page: Page): Frame | null {
  return page.frames().find((f) => f !== page.mainFrame() && f.name() === "app-iframe") ?? null;
}

function describe(v: Violation): string {
  const nodes = v.nodes.slice(0, 8).map((n) => {
    const target = n.target.map((t) => (Array.isArray(t) ? t.join(" >> ") : String(t))).join(" >> ");
    const summary = (n.failureSummary ?? "").split("\n").slice(1, 3).join(" ").trim();
    // The element's own markup (axe cuts it short): says which element failed when its selector is a generated id.
    return `    ${target}\n      ${summary.slice(0, 240)}\n      ${n.html.slice(0, 300)}`;
  });
  const more = v.nodes.length > 8 ? `\n    … and ${v.nodes.length - 8} more` : "";
  return `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes.join("\n")}${more}`;
}

/**
 * Runs axe on the app's document (see appDocument; `frame` defaults to the app's frame when the page has one) and
 * fails on serious or critical violations, listing each rule, the elements it failed on and what to fix.
 */
export async function expectAccessible(page: Page, name: string, frame: Frame | null = appFrame(page)) {
  const target = frame ?? page.mainFrame();
  const results = await new AxeBuilder({ page: appDocument(page, frame) })
    .withTags([...WCAG, "best-practice"])
    .analyze();
  const violations: Violation[] = [];
  for (const v of results.violations) {
    const known = KNOWN.filter((k) => k.rule === v.id).map((k) => k.selector);
    const nodes = [];
    for (const node of v.nodes) {
      const selector = node.target.at(-1);
      // An element inside a known exclusion (the element the selector names, or one inside it) is Polaris's.
      const isKnown =
        known.length > 0 &&
        typeof selector === "string" &&
        (await target.evaluate(([sel, list]) => list.some((k) => document.querySelector(sel)?.closest(k)), [
          selector,
          known,
        ] as const));
      if (!isKnown) nodes.push(node);
    }
    if (nodes.length) violations.push({ ...v, nodes });
  }
  const isEnforced = (v: Violation) =>
    ENFORCED_RULES.has(v.id) || (ENFORCED.has(v.impact ?? "") && v.tags.some((t) => WCAG.includes(t)));
  const enforced = violations.filter(isEnforced);
  const advisory = violations.filter((v) => !isEnforced(v));
  const width = page.viewportSize()?.width;
  if (advisory.length)
    console.info(`axe on ${name} at ${width}px, not enforced:\n${advisory.map(describe).join("\n")}`);
  expect.soft(enforced.length, `axe on ${name} at ${width}px:\n${enforced.map(describe).join("\n")}`).toBe(0);
}
