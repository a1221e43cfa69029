import { describe, expect, it } from "vitest";
import { withoutAdapterUrlWarning } from "./migrate";

describe("npm run db:migrate output", () => {
  it("drops Prisma's unused-datasource-url warning and keeps everything else", () => {
    const output = [
      'Datasource "db": SQLite database "a.sqlite" using driver adapter "@prisma/adapter-better-sqlite3"',
      "",
      "WARNING: Your schema specifies the following datasource properties but you are using a Driver Adapter via prisma.config.ts:",
      "- url",
      "",
      "The values from your schema will NOT be used!",
      "",
      "We recommend you to remove those properties from your schema to avoid confusion if you are only using driver adapters.",
      "3 migrations found in prisma/migrations",
      "",
    ].join("\n");
    expect(withoutAdapterUrlWarning(output)).toBe(
      'Datasource "db": SQLite database "a.sqlite" using driver adapter "@prisma/adapter-better-sqlite3"\n' +
        "3 migrations found in prisma/migrations\n",
    );
    expect(withoutAdapterUrlWarning("No pending migrations to apply.\n")).toBe(
      "No pending migrations to apply.\n",
    );
  });
});
