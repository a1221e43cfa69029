import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { sqlitePath } from "../../app/db/database-url";
import { demoDatabaseUrl } from "./demo-guards";

describe("the demo's database inside --data-dir", () => {
  it("stays in the folder given, relative or absolute", () => {
    expect(demoDatabaseUrl("data")).toBe("file:./data/dev.sqlite");
    expect(demoDatabaseUrl("./tmp/demo/")).toBe("file:./tmp/demo/dev.sqlite");
    expect(demoDatabaseUrl("/tmp/demo-data")).toBe("file:/tmp/demo-data/dev.sqlite");
    expect(demoDatabaseUrl("/tmp/demo-data/")).toBe("file:/tmp/demo-data/dev.sqlite");
  });

  it("is the file the app opens: beside the folder's local secrets", () => {
    for (const dir of ["data", "/tmp/demo-data"]) {
      expect(resolve(sqlitePath(demoDatabaseUrl(dir)))).toBe(resolve(dir, "dev.sqlite"));
    }
  });
});
