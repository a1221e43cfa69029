import { describe, expect, it } from "vitest";
import { formatDuration, humanize, triggerLabel } from "./format";

describe("triggerLabel", () => {
  it("names who started a run without showing ids", () => {
    expect(triggerLabel("merchant:demo.myshopify.com")).toBe("by the merchant");
    expect(triggerLabel("woo-owner:3f2c")).toBe("by the store owner");
    expect(triggerLabel("api-token:cmx4q6")).toBe("through the API");
    expect(triggerLabel("webhook:orders/create")).toBe("after webhook orders/create");
    expect(triggerLabel("install")).toBe("on install");
    expect(triggerLabel("schedule")).toBe("scheduled");
    expect(triggerLabel("resume")).toBe("resumed");
    expect(triggerLabel("demo")).toBe("by the demo");
  });

  it("says nothing for the engine's own runs", () => {
    expect(triggerLabel("system")).toBeNull();
    expect(triggerLabel(null)).toBeNull();
    expect(triggerLabel("")).toBeNull();
  });

  it("falls back to the actor's kind, lower case, for one it does not know", () => {
    expect(triggerLabel("support_agent:42")).toBe("support agent");
  });
});

describe("humanize / formatDuration", () => {
  it("reads as words and units", () => {
    expect(humanize("needs_attention")).toBe("Needs attention");
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(125_000)).toBe("2 min 5 s");
    expect(formatDuration(null)).toBe("—");
  });
});
