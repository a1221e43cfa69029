import { describe, expect, it } from "vitest";
import { approvalHttpsWarning } from "../integrations/woocommerce-approval.server";
import { approvalHttpsWarningText } from "./woocommerce-approval-https-text";

const refusal =
  "WooCommerce sends an approved key only to an https address, and Commerce Sync runs at http://127.0.0.1:3000: " +
  "a real store answers “The callback_url needs to be over SSL”. Paste REST API keys below instead, or serve " +
  "Commerce Sync over https.";

describe("the connect pages' https warning for key approval", () => {
  it("is not shown when Commerce Sync runs on https, demo store or not", () => {
    expect(approvalHttpsWarning({ SHOPIFY_APP_URL: "https://sync.example.com" })).toBeNull();
    expect(
      approvalHttpsWarning({
        SHOPIFY_APP_URL: "https://sync.example.com",
        DEMO_WOOCOMMERCE_URL: "http://127.0.0.1:4200",
      }),
    ).toBeNull();
  });

  it("tells an app on http that a real store refuses the approval", () => {
    const warning = approvalHttpsWarning({ SHOPIFY_APP_URL: "http://127.0.0.1:3000" });
    expect(warning).toEqual({ appUrl: "http://127.0.0.1:3000", demoStoreUrl: null });
    expect(approvalHttpsWarningText(warning!)).toEqual({
      title: "Approval needs Commerce Sync on https",
      paragraphs: [refusal],
    });
  });

  it("in the demo, still warns about real stores and says the demo's store accepts the http callback", () => {
    const warning = approvalHttpsWarning({
      SHOPIFY_APP_URL: "http://127.0.0.1:3000",
      DEMO_WOOCOMMERCE_URL: "http://127.0.0.1:4200",
    });
    expect(warning).toEqual({ appUrl: "http://127.0.0.1:3000", demoStoreUrl: "http://127.0.0.1:4200" });
    expect(approvalHttpsWarningText(warning!)).toEqual({
      title: "Approval from a real store needs Commerce Sync on https",
      paragraphs: [
        refusal,
        "This demo's store at http://127.0.0.1:4200 is the exception: unlike a real store it accepts the http " +
          "callback, so “Approve in WooCommerce” works with it here.",
      ],
    });
  });
});
