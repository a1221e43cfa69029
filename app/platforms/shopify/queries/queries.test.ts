/**
 * Guard: every GraphQL document exported from this folder (and every bulk inner query) validates against the
 * vendored real Admin schema with no deprecated fields. Add a query file here and it is checked automatically.
 */
import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { validateDocument } from "../../../../emulators/shopify/graphql/execute";

const modules = import.meta.glob<Record<string, unknown>>(["./*.ts", "!./*.test.ts"], { eager: true });

const documents: Array<[string, string]> = [];
for (const [file, mod] of Object.entries(modules)) {
  for (const [name, value] of Object.entries(mod)) {
    if (typeof value === "string" && value.includes("#graphql"))
      documents.push([`${file}:${name}`, value.replace("{{FILTER}}", "")]);
  }
}

describe("app Shopify queries", () => {
  it("GIVEN the queries folder WHEN its exports are collected THEN it contains the app's documents", () => {
    expect(documents.length).toBeGreaterThanOrEqual(10);
  });

  it.each(documents)(
    "GIVEN %s WHEN validated against Admin 2025-04 THEN it is valid and uses no deprecated field",
    (_name, source) => {
      const errors = validateDocument(parse(source), true);
      expect(errors).toEqual([]);
    },
  );

  it("GIVEN a query with a deprecated field WHEN validated strictly THEN the guard rejects it", () => {
    const errors = validateDocument(parse("{ customers(first: 1) { nodes { email } } }"), true);
    expect(errors[0].extensions?.code).toBe("deprecatedField");
  });
});
