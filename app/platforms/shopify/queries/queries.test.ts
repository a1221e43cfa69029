/**
 * Guard: every GraphQL document exported from this folder (and every bulk inner query) validates against the Admin
 * schema of the app's API version — 2026-07, the newest real schema, vendored in emulators/shopify/schema/ — with no
 * deprecated field, and no page query asks for more than Shopify's 1,000-point limit at the sizes the readers use.
 * Add a query file here and it is checked automatically.
 */
import { Kind, parse, type OperationDefinitionNode } from "graphql";
import { describe, expect, it } from "vitest";
import { validateDocument } from "../../../../emulators/shopify/graphql/execute";
import { operationContext, requestedQueryCost } from "../../../../emulators/shopify/graphql/cost";
import { loadSchema, schemaVersionFor } from "../../../../emulators/shopify/graphql/schema";
import { SHOPIFY_API_VERSION } from "../api-version";
import { RESOURCE_SPECS } from "../readers/specs";

const modules = import.meta.glob<Record<string, unknown>>(["./*.ts", "!./*.test.ts"], { eager: true });

const documents: Array<[string, string]> = [];
for (const [file, mod] of Object.entries(modules)) {
  for (const [name, value] of Object.entries(mod)) {
    if (typeof value === "string" && value.includes("#graphql"))
      documents.push([`${file}:${name}`, value.replace("{{FILTER}}", "")]);
  }
}

function costOf(document: string, variables: Record<string, unknown>): number {
  const parsed = parse(document);
  const operation = parsed.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  const walk = operationContext(loadSchema(schemaVersionFor(SHOPIFY_API_VERSION)), [], variables);
  return requestedQueryCost(walk, operation);
}

describe("app Shopify queries", () => {
  it("GIVEN the queries folder WHEN its exports are collected THEN it contains the app's documents", () => {
    expect(documents.length).toBeGreaterThanOrEqual(18);
    expect(schemaVersionFor(SHOPIFY_API_VERSION)).toBe("2026-07");
  });

  it.each(documents)(
    "GIVEN %s WHEN validated against Admin 2026-07 THEN it is valid and uses no deprecated field",
    (_name, source) => {
      expect(validateDocument(parse(source), true, SHOPIFY_API_VERSION)).toEqual([]);
    },
  );

  it.each([
    ["currentBulkOperation", "{ currentBulkOperation { id } }"],
    [
      "WebhookSubscription.endpoint",
      "{ webhookSubscriptions(first: 1) { nodes { endpoint { __typename } } } }",
    ],
    ["ShopPlan.displayName", "{ shop { plan { displayName } } }"],
    [
      "CustomerPhoneNumber.marketingState",
      "{ customers(first: 1) { nodes { defaultPhoneNumber { marketingState } } } }",
    ],
  ])(
    "GIVEN a query using the deprecated %s WHEN validated strictly THEN the guard rejects it",
    (_name, source) => {
      const errors = validateDocument(parse(source), true, SHOPIFY_API_VERSION);
      expect(errors[0]?.extensions?.code).toBe("deprecatedField");
    },
  );

  it.each(Object.values(RESOURCE_SPECS).map((s) => [s.resource, s] as const))(
    "GIVEN the %s page query at the reader's page sizes WHEN costed by Shopify's method THEN it stays under 1,000 points",
    (_resource, spec) => {
      const variables = {
        first: spec.pageSize,
        ...(spec.child ? { [spec.child.pageVariable]: spec.child.pageSize } : {}),
      };
      const cost = costOf(spec.pageDocument, variables);
      expect(cost).toBeLessThanOrEqual(1000);
      // …and uses most of what one query may ask for (pages are not needlessly small).
      expect(cost).toBeGreaterThan(700);
      if (spec.child) {
        expect(
          costOf(spec.child.document, { id: "gid://shopify/Order/1", first: spec.child.followUpPageSize }),
        ).toBeLessThanOrEqual(1000);
      }
    },
  );
});
