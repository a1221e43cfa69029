import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_OPERATIONS } from "../../app/integrations/api/openapi";
import { createTestDatabase, type TestDatabase } from "../setup/db";
import { loadRoutes, type RouteHarness } from "./routes-harness";

/** Remix flat-route file name → URL template: "api.integrations.$id.sync.tsx" → "/api/integrations/{id}/sync". */
function pathOf(file: string): string {
  const segments = file
    .replace(/\.tsx?$/, "")
    .replace(/\[\.\]/g, "~dot~")
    .split(".")
    .filter((segment) => segment !== "_index")
    .map((segment) => segment.replace(/~dot~/g, ".").replace(/^\$(.+)$/, "{$1}"));
  return `/${segments.join("/")}`;
}

const API_FILES = readdirSync("app/routes").filter((f) => /^api\.(integrations|openapi)/.test(f));
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

describe("the OpenAPI document and the API routes", () => {
  let t: TestDatabase;
  let api: RouteHarness;
  beforeAll(async () => {
    t = await createTestDatabase("sqlite");
    api = await loadRoutes(t);
  });
  afterAll(async () => {
    await api?.close();
    await t?.cleanup();
  });

  it("finds the API route files (the check below is not vacuous)", () => {
    expect(API_FILES.length).toBeGreaterThanOrEqual(5);
  });

  it("documents every method every route serves, and nothing else", async () => {
    const served: string[] = [];
    for (const file of API_FILES) {
      const path = pathOf(file);
      const concrete = path.replace(/\{id\}/g, "some-id");
      for (const method of METHODS) {
        const res = await api.call(file, { method, path: concrete, params: { id: "some-id" } });
        // 405 = the route refuses this method; anything else (401 without a token, 200 for public ones) serves it.
        if (res.status !== 405) served.push(`${method} ${path}`);
      }
    }
    const documented = API_OPERATIONS.map((op) => `${op.method.toUpperCase()} ${op.path}`);
    expect(served.sort()).toEqual(documented.sort());
  });

  it("answers an /api/ address no route serves with the API's JSON 404, whatever the method", async () => {
    for (const method of METHODS) {
      const res = await api.call("api.$.tsx", { method, path: "/api/integration" });
      expect(res.status).toBe(404);
      expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({
        error: { code: "not_found", message: expect.stringMatching(/\/api\/openapi\.json/) },
      });
    }
  });

  it("serves the document at /api/openapi.json with every operation and its responses", async () => {
    const res = await api.call("api.openapi[.]json.tsx", { path: "/api/openapi.json" });
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe("3.0.3");
    for (const op of API_OPERATIONS) {
      const entry = doc.paths[op.path]?.[op.method];
      expect(entry, `${op.method} ${op.path}`).toBeDefined();
      expect(entry.operationId).toBe(op.operationId);
      expect(entry.responses[String(op.success.status)]).toBeDefined();
      if (!op.public) expect(entry.responses["401"]).toBeDefined();
      if (op.path.includes("{id}"))
        expect(entry.parameters.map((p: { name: string }) => p.name)).toContain("id");
    }
  });

  it("documents the sync body as the route validates it: known resources, each at most once", async () => {
    const doc = await (await api.call("api.openapi[.]json.tsx", { path: "/api/openapi.json" })).json();
    const body = doc.paths["/api/integrations/{id}/sync"].post.requestBody.content["application/json"].schema;
    expect(body.properties.resources).toMatchObject({
      type: "array",
      minItems: 1,
      uniqueItems: true,
      items: { type: "string", enum: ["customers", "orders", "products"] },
    });
  });
});
