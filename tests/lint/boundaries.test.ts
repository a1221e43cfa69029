/**
 * The layering rule (eslint.boundaries.js) must keep failing the lint for a violation: these snippets are linted
 * with the project's own ESLint configuration, as if they were files at the given paths.
 */
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint({ cwd: process.cwd() });

async function problemsOf(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

const use = (specifier: string) => `import * as m from "${specifier}";\nexport const used = m;\n`;

describe("import boundaries", () => {
  it.each([
    ["app/sync/probe.ts", "../jobs/enqueue.server", "sync may not import jobs"],
    ["app/sync/probe.ts", "../platforms/index.server", "sync may not import platforms"],
    ["app/sync/probe.ts", "~/jobs/enqueue.server", "sync may not import jobs"],
    ["app/sync/probe.ts", "../../worker/index", "sync may not import worker"],
    ["app/jobs/probe.ts", "../platforms/index.server", "jobs may not import platforms"],
    ["app/jobs/probe.ts", "../../scripts/sync", "jobs may not import scripts"],
    ["app/platforms/probe.ts", "../jobs/enqueue.server", "platforms may not import jobs"],
    ["app/lib/probe.ts", "../sync/types", "foundation may not import sync"],
    ["app/routes/probe.tsx", "../platforms/index.server", "routes may not import platforms"],
    ["app/integrations/probe.ts", "../routes/healthz", "integrations may not import routes"],
    ["app/probe.server.ts", "../emulators/shopify/server", "app-root may not import emulators"],
    ["emulators/shopify/probe.ts", "../../app/routes/healthz", "emulators may not import routes"],
    ["bench/probe.ts", "../app/routes/healthz", "bench may not import routes"],
  ])("%s importing %s fails the lint", async (filePath, specifier, expected) => {
    const problems = await problemsOf(filePath, use(specifier));
    expect(problems).toEqual([expect.stringContaining(`boundaries/dependencies: ${expected}`)]);
  });

  it.each([
    ["app/platforms/probe.ts", "../sync/platform"],
    ["app/sync/probe.ts", "../env.server"],
    ["app/jobs/probe.ts", "../sync/engine.server"],
    ["app/routes/probe.tsx", "../integrations/dashboard.server"],
    ["app/probe.server.ts", "./platforms/index.server"],
    ["worker/probe.ts", "../app/jobs/runtime.server"],
  ])("%s may import %s", async (filePath, specifier) => {
    expect(await problemsOf(filePath, use(specifier))).toEqual([]);
  });

  it("lets components import the integration services' view-model types, never their code", async () => {
    const typeImport = `import type { IntegrationListItem } from "../integrations/integrations-view.server";\nexport type Shown = IntegrationListItem;\n`;
    expect(await problemsOf("app/components/Probe.tsx", typeImport)).toEqual([]);
    expect(
      await problemsOf("app/components/Probe.tsx", use("../integrations/integrations-view.server")),
    ).toEqual([expect.stringContaining("boundaries/dependencies: ui may not import integrations")]);
  });

  it("keeps test helpers out of production code, and lets tests import across layers", async () => {
    expect(await problemsOf("app/jobs/probe.ts", use("../sync/testing/memory-source"))).toEqual([
      expect.stringContaining("no-restricted-imports"),
    ]);
    expect(await problemsOf("app/sync/probe.test.ts", use("../platforms/testing/test-platforms"))).toEqual(
      [],
    );
  });
});
