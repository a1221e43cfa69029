import { describe, expect, it } from "vitest";
import { startWooEmulator } from "../server";
import { escHtml } from "./esc-html";

describe("WooCommerce emulator: esc_html as WordPress runs it", () => {
  it("escapes markup and quotes, single quote as &#039;", () => {
    expect(escHtml(`<b class="x">O'Brien & co</b>`)).toBe(
      "&lt;b class=&quot;x&quot;&gt;O&#039;Brien &amp; co&lt;/b&gt;",
    );
    expect(escHtml("Plain Shop")).toBe("Plain Shop");
  });

  it("does not encode entities the text already holds, so escaping twice changes nothing", () => {
    const saved = "Caf&eacute; &amp; Co &#8217; &#x2019; &copy;";
    expect(escHtml(saved)).toBe(saved);
    const once = escHtml("Bob's Tools & Co <3");
    expect(escHtml(once)).toBe(once);
  });

  it("encodes an ampersand that starts no valid entity, and normalizes numeric ones as kses does", () => {
    expect(escHtml("R&D &bogus; &#xD800; &#1114112;")).toBe(
      "R&amp;D &amp;bogus; &amp;#xD800; &amp;#1114112;",
    );
    expect(escHtml("&#0065; &#x0041; &#65;")).toBe("&#065; &#x41; &#065;");
  });
});

describe("WooCommerce emulator: a site name that already holds entities", () => {
  it("reads in the REST index and on the storefront as WordPress shows it, not double-encoded", async () => {
    const woo = await startWooEmulator({ siteName: "Caf&eacute; & Bar &amp; Co", autoDeliver: false });
    try {
      const index = (await (await fetch(`${woo.url}/wp-json/`)).json()) as { name: string };
      expect(index.name).toBe("Caf&eacute; &amp; Bar &amp; Co");
      const home = await (await fetch(`${woo.url}/`)).text();
      expect(home).toContain("<title>Caf&eacute; &amp; Bar &amp; Co</title>");
      expect(home).toContain("<h1>Caf&eacute; &amp; Bar &amp; Co</h1>");
    } finally {
      await woo.close();
    }
  });
});
