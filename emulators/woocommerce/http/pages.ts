/** The HTML a browser gets outside the REST API: the storefront, and a site that is not WordPress at all. */
import { escHtml } from "./esc-html";
import { WC_VERSION, WP_VERSION } from "../render/common";

/** The home page of a WordPress + WooCommerce site: the REST discovery link and generator tags a prober looks for. */
export function storefrontHtml(siteName: string, siteUrl: string): string {
  // The theme prints the name through esc_html (wp_get_document_title, bloginfo): existing entities stay as they are.
  const name = escHtml(siteName);
  return `<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="UTF-8">\n<title>${name}</title>\n<link rel="https://api.w.org/" href="${siteUrl}/wp-json/">\n<meta name="generator" content="WordPress ${WP_VERSION}">\n<meta name="generator" content="WooCommerce ${WC_VERSION}">\n</head>\n<body class="home woocommerce-js">\n<h1>${name}</h1>\n</body>\n</html>\n`;
}

/** A plain static site without any WordPress trace (the `not-woocommerce` fault). */
export function plainSiteHtml(): string {
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Welcome</title>\n</head>\n<body>\n<h1>It works!</h1>\n<p>This is a plain static website.</p>\n</body>\n</html>\n`;
}
