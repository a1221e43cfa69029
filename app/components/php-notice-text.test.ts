import { describe, expect, it } from "vitest";
import { phpNoticeBanner } from "./php-notice-text";

describe("phpNoticeBanner", () => {
  it("quotes the first message, says syncing carries on, and names the setting that stops it", () => {
    const banner = phpNoticeBanner({
      message:
        "Deprecated: Creation of dynamic property X::$y is deprecated in wp-content/plugins/x/x.php on line 4",
    });
    expect(banner.title).toBe("Your site prints PHP notices into its API answers");
    expect(banner.paragraphs[0]).toBe(
      "WordPress on this store adds PHP messages to the answers of its REST API, for example: " +
        '"Deprecated: Creation of dynamic property X::$y is deprecated in wp-content/plugins/x/x.php on line 4". ' +
        "Commerce Sync reads the data after them, so syncing carries on.",
    );
    expect(banner.paragraphs[1]).toMatch(/slows every answer down and can break other apps and integrations/);
    expect(banner.paragraphs[1]).toMatch(/Set WP_DEBUG_DISPLAY to false in wp-config\.php/);
  });
});
