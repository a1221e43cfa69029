/**
 * Builds every admin UI extension in extensions/ without the Shopify CLI (which cannot be downloaded here): each
 * `[[extensions.targeting]]` module of a `shopify.extension.toml` is bundled with Vite (Preact JSX, esbuild) into
 * `build/extensions/<handle>.js`, an IIFE that registers the module for its target with `shopify.extend(target, fn)`,
 * the contract the local Shopify emulator's admin host implements. `shopify app deploy` still builds and uploads
 * extensions with the CLI for real stores. See docs/decisions/0024-admin-extension-offline.md.
 *
 *   npx tsx scripts/build-extensions.ts        build all
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "smol-toml";
import { build } from "vite";

export const EXTENSIONS_DIR = "extensions";
export const EXTENSIONS_OUT_DIR = "build/extensions";

interface ExtensionToml {
  extensions?: Array<{ handle: string; type: string; targeting?: Array<{ module: string; target: string }> }>;
}

export interface BuiltExtension {
  handle: string;
  target: string;
  file: string;
}

/** Reads the extension folders and bundles each target module. */
export async function buildExtensions(root = process.cwd()): Promise<BuiltExtension[]> {
  const dir = resolve(root, EXTENSIONS_DIR);
  const out = resolve(root, EXTENSIONS_OUT_DIR);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const built: BuiltExtension[] = [];
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const tomlPath = join(dir, name.name, "shopify.extension.toml");
    if (!name.isDirectory() || !existsSync(tomlPath)) continue;
    const config = parse(readFileSync(tomlPath, "utf8")) as ExtensionToml;
    for (const extension of config.extensions ?? []) {
      for (const targeting of extension.targeting ?? []) {
        const modulePath = resolve(dir, name.name, targeting.module);
        const entry = join(out, `.entry-${extension.handle}.ts`);
        writeFileSync(
          entry,
          `import run from ${JSON.stringify(modulePath)};\n` +
            `(globalThis as unknown as { shopify: { extend(t: string, f: () => unknown): void } }).shopify.extend(${JSON.stringify(targeting.target)}, run);\n`,
        );
        await build({
          configFile: false,
          logLevel: "warn",
          publicDir: false,
          root,
          esbuild: { jsx: "automatic", jsxImportSource: "preact" },
          build: {
            outDir: out,
            emptyOutDir: false,
            minify: true,
            lib: { entry, formats: ["iife"], name: "extension", fileName: () => `${extension.handle}.js` },
          },
        });
        rmSync(entry);
        built.push({
          handle: extension.handle,
          target: targeting.target,
          file: join(out, `${extension.handle}.js`),
        });
      }
    }
  }
  writeFileSync(join(out, "manifest.json"), JSON.stringify(built, null, 2));
  return built;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildExtensions()
    .then((built) => console.log(built.map((b) => `built ${b.file} (${b.target})`).join("\n")))
    .catch((error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
