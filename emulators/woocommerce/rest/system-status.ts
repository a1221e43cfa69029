/**
 * `/system_status`: the connection test. The `environment` and `settings` blocks come from the real 11.0.1 capture
 * (fixtures/real-11.0.1/system-status-environment.json) with this store's URL, versions and counts.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { WooEmulatorContext } from "../context";
import { WC_VERSION, WP_VERSION } from "../render/common";

interface CapturedEnvironment {
  environment: Record<string, unknown>;
  settings: Record<string, unknown>;
}

let captured: CapturedEnvironment | null = null;

function capturedEnvironment(): CapturedEnvironment {
  captured ??= JSON.parse(
    readFileSync(
      fileURLToPath(new URL("../fixtures/real-11.0.1/system-status-environment.json", import.meta.url)),
      "utf8",
    ),
  ) as CapturedEnvironment;
  return captured;
}

export function systemStatus(ctx: WooEmulatorContext): Record<string, unknown> {
  const { environment, settings } = capturedEnvironment();
  const tls = ctx.config.tls;
  return {
    environment: {
      ...environment,
      home_url: ctx.siteUrl,
      site_url: ctx.siteUrl,
      version: WC_VERSION,
      wp_version: WP_VERSION,
      server_info: "WooCommerce emulator (Node.js)",
    },
    database: { wc_database_version: WC_VERSION, database_prefix: "wp_", database_tables: {} },
    active_plugins: [
      {
        plugin: "woocommerce/woocommerce.php",
        name: "WooCommerce",
        version: WC_VERSION,
        version_latest: WC_VERSION,
        url: "https://woocommerce.com/",
        author_name: "Automattic",
        author_url: "https://woocommerce.com",
        network_activated: false,
      },
    ],
    inactive_plugins: [],
    dropins_mu_plugins: { dropins: [], mu_plugins: [] },
    theme: { name: "Twenty Twenty-Five", version: "1.3", is_block_theme: true },
    settings: { ...settings, force_ssl: tls },
    security: { secure_connection: tls, hide_errors: false },
    pages: [],
    post_type_counts: [
      { type: "product", count: String(ctx.store.products.size) },
      { type: "product_variation", count: String(ctx.store.variations.size) },
    ],
    logging: {
      logging_enabled: true,
      default_handler: "Automattic\\WooCommerce\\Internal\\Admin\\Logging\\LogHandlerFileV2",
    },
  };
}
