import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig, loadEnv } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

// Remix on Vite: the maintained Remix build and what Shopify's app template uses (docs/decisions/0001-build-tool.md).
export default defineConfig(({ mode }) => {
  // `npm run dev` outside the Shopify CLI: fill unset variables from .env (the CLI's own values win).
  for (const [key, value] of Object.entries(loadEnv(mode, process.cwd(), ""))) process.env[key] ??= value;
  return config;
});

const config = {
  server: {
    host: "127.0.0.1",
    port: Number(process.env.PORT || 3000),
    fs: { allow: ["app", "node_modules"] },
  },
  plugins: [
    remix({
      ignoredRouteFiles: ["**/.*", "**/*.test.*"],
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        // Off: with lazy discovery a fetcher revalidated while its route was still being discovered matched the
        // splat route (remix-run/react-router#15326) and the store page fell into its error boundary (ADR 0023).
        v3_lazyRouteDiscovery: false,
        v3_singleFetch: false,
        v3_routeConfig: false,
      },
    }),
    tsconfigPaths(),
  ],
  build: { assetsInlineLimit: 0 },
  optimizeDeps: { include: ["@shopify/app-bridge-react", "@shopify/polaris"] },
};
