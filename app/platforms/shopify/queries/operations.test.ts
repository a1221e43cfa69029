/**
 * Guard: every call the app makes to Shopify has words in SHOPIFY_OPERATION_WORDS, so no error a merchant reads names
 * a call only by its operation name. The calls are found where they are written: the operation names the documents of
 * this folder declare, the operations the readers' specs name, and the names written at the call sites of the Shopify
 * platform code (`client.request("…"`, errors raised with a name, OAuth token requests). Add a query or a call and
 * this fails until its words are added.
 */
import { Kind, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { RESOURCE_SPECS } from "../readers/specs";
import { SHOPIFY_OPERATION_WORDS, whileRunning } from "./operations";

const modules = import.meta.glob<Record<string, unknown>>(["./*.ts", "!./*.test.ts"], { eager: true });
const sources = import.meta.glob<string>(["../**/*.ts", "!../**/*.test.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
});

/** Operation names declared by the GraphQL documents exported from this folder. */
function declaredOperations(): string[] {
  const names: string[] = [];
  for (const mod of Object.values(modules)) {
    for (const value of Object.values(mod)) {
      if (typeof value !== "string" || !value.includes("#graphql")) continue;
      for (const definition of parse(value.replace("{{FILTER}}", "")).definitions) {
        if (definition.kind === Kind.OPERATION_DEFINITION && definition.name)
          names.push(definition.name.value);
      }
    }
  }
  return names;
}

/** Operations the readers send by name from their specs (pages, follow-ups, counts, ids, protected-data probes). */
function specOperations(): string[] {
  return Object.values(RESOURCE_SPECS).flatMap((spec) => [
    spec.pageOperation,
    spec.countOperation,
    spec.idsOperation,
    ...(spec.child ? [spec.child.operation] : []),
    ...(spec.protectedDataProbe ? [spec.protectedDataProbe.operation] : []),
  ]);
}

const CALL_SITES = [
  // client.request("Name", …) and client.request<{ … }>("Name", …)
  /\.request(?:<[^()]*?>)?\(\s*"([^"]+)"/g,
  // an error raised with the name of the call that failed
  /new Shopify(?:Http|Throttled|Timeout|QueryCost|AccessDenied|Graphql|User)Error\(\s*"([^"]+)"/g,
  // the OAuth token endpoint
  /tokenRequest\(\s*\w+,\s*"([^"]+)"/g,
];

/** Names written at the call sites of the Shopify platform code. */
function calledOperations(): string[] {
  const names: string[] = [];
  for (const source of Object.values(sources)) {
    for (const pattern of CALL_SITES) for (const match of source.matchAll(pattern)) names.push(match[1]!);
  }
  return names;
}

const declared = declaredOperations();
const sent = [...new Set([...declared, ...specOperations(), ...calledOperations()])].sort();

describe("Shopify operations in words", () => {
  it("GIVEN the app's Shopify code WHEN its calls are collected THEN the collection finds them where they are written", () => {
    expect(declared.length).toBeGreaterThanOrEqual(25);
    expect(calledOperations()).toEqual(
      expect.arrayContaining([
        "ShopAccess",
        "WebhookSubscriptionCreate",
        "BulkOperationRunQuery",
        "bulk:download",
        "oauth:authorization_code",
        "oauth:refresh_token",
      ]),
    );
  });

  it.each(sent)("GIVEN the call %s WHEN it fails THEN the merchant reads what it was doing", (operation) => {
    expect(Object.keys(SHOPIFY_OPERATION_WORDS)).toContain(operation);
    expect(whileRunning(operation)).toBe(`while ${SHOPIFY_OPERATION_WORDS[operation]} (${operation})`);
  });

  it("GIVEN the words WHEN compared with the calls THEN none describes a call the app no longer makes", () => {
    expect(Object.keys(SHOPIFY_OPERATION_WORDS).sort()).toEqual(sent);
  });

  it("GIVEN the words WHEN read THEN each is a short lower-case phrase that follows 'while'", () => {
    for (const words of Object.values(SHOPIFY_OPERATION_WORDS)) {
      expect(words).toMatch(/^[a-z][a-z' ]+$/);
      expect(words.length).toBeLessThanOrEqual(60);
    }
  });

  it("GIVEN a name without words WHEN phrased THEN it still reads as a sentence", () => {
    expect(whileRunning("the customers export")).toBe("while running the customers export");
    expect(whileRunning("toString")).toBe("while running toString");
  });
});
