/**
 * The import boundaries of the codebase (docs/decisions/0009-layers-and-folders.md), enforced by
 * eslint-plugin-boundaries: a file may import only from the layers listed for it; anything else fails the lint.
 *
 *   routes → integrations / jobs → sync ← platforms → db / crypto / env / lib
 *
 * The app-root files (entry.server.tsx, root.tsx, *.server.ts singletons) wire a process together. Processes beside
 * the app (worker, scripts, bench) use it but never its routes; emulators stand alone. Tests and test helpers are
 * not bound by the layers, and production code never imports them. tests/lint/boundaries.test.ts lints deliberate
 * violations so this rule cannot silently stop working.
 */
import boundaries from "eslint-plugin-boundaries";

/** Tests and their helpers: not bound by the layers, never imported by production code. */
export const TEST_FILES = ["**/*.test.ts", "**/*.test.tsx", "**/*.spec.ts", "**/testing/**", "tests/**"];

/** Element types by folder. */
const ELEMENTS = [
  { type: "routes", pattern: "app/routes", partialMatch: false },
  { type: "ui", pattern: "app/components", partialMatch: false },
  { type: "integrations", pattern: "app/integrations", partialMatch: false },
  { type: "jobs", pattern: "app/jobs", partialMatch: false },
  { type: "sync", pattern: "app/sync", partialMatch: false },
  { type: "platforms", pattern: "app/platforms", partialMatch: false },
  { type: "foundation", pattern: ["app/db", "app/crypto", "app/lib"], partialMatch: false },
  { type: "app-root", pattern: "app", partialMatch: false },
  { type: "worker", pattern: "worker", partialMatch: false },
  { type: "scripts", pattern: "scripts", partialMatch: false },
  { type: "bench", pattern: "bench", partialMatch: false },
  { type: "emulators", pattern: "emulators", partialMatch: false },
];

/** What each layer may import (besides npm packages and Node built-ins). */
export const ALLOWED_IMPORTS = {
  routes: ["routes", "app-root", "integrations", "jobs", "sync", "ui", "foundation"],
  "app-root": ["app-root", "integrations", "jobs", "sync", "platforms", "ui", "foundation"],
  ui: ["ui", "foundation"],
  integrations: ["integrations", "jobs", "sync", "platforms", "foundation"],
  jobs: ["jobs", "sync", "foundation"],
  platforms: ["platforms", "sync", "foundation"],
  sync: ["sync", "foundation"],
  foundation: ["foundation"],
  worker: ["jobs", "sync", "platforms", "foundation"],
  scripts: ["scripts", "app-root", "integrations", "jobs", "sync", "platforms", "foundation", "emulators"],
  // Benchmarks measure the product's real paths (platform readers, ingest services, the engine) against the
  // emulators; like every process beside the app they never import its routes.
  bench: ["bench", "integrations", "jobs", "sync", "platforms", "foundation", "emulators"],
  emulators: ["emulators"],
};

export const boundariesConfig = {
  files: ["**/*.ts", "**/*.tsx"],
  ignores: TEST_FILES,
  plugins: { boundaries },
  settings: {
    "import/resolver": { typescript: { alwaysTryTypes: true, project: "./tsconfig.json" } },
    "boundaries/elements": ELEMENTS,
    // The validated environment sits at the app's root by convention but belongs to the bottom layer.
    "boundaries/files": [{ category: "env", pattern: "app/env.server.ts" }],
  },
  rules: {
    "boundaries/dependencies": [
      "error",
      {
        default: "disallow",
        message:
          "{{from.type}} may not import {{to.type}} (docs/decisions/0009-layers-and-folders.md: routes → integrations/jobs → sync ← platforms → db/crypto/env/lib)",
        policies: [
          ...Object.entries(ALLOWED_IMPORTS).map(([from, to]) => ({
            from: { element: { type: from } },
            allow: { to: { element: { types: { anyOf: to } } } },
          })),
          // Components render the view models the integration services return: they may import their types,
          // never their code (a type import is erased from the bundle).
          {
            from: { element: { type: "ui" } },
            allow: { to: { element: { type: "integrations" } }, dependency: { kind: "type" } },
          },
          // Whoever may import the bottom layer may import the environment too.
          {
            from: {
              element: {
                types: {
                  anyOf: Object.keys(ALLOWED_IMPORTS).filter((k) =>
                    ALLOWED_IMPORTS[k].includes("foundation"),
                  ),
                },
              },
            },
            allow: { to: { file: { categories: "env" } } },
          },
        ],
      },
    ],
  },
};

/** Production code never imports test helpers (bench/ may: the in-memory source is also its dataset). */
export const noTestHelpersConfig = {
  files: ["app/**/*.ts", "app/**/*.tsx", "worker/**/*.ts", "scripts/**/*.ts"],
  ignores: TEST_FILES,
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: [
          {
            group: ["**/testing/*", "**/tests/*"],
            message: "Test helpers are for tests; production code never imports them.",
          },
        ],
      },
    ],
  },
};
