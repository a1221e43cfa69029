import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { startBackgroundCheckpoints } from "./sqlite-checkpointer.server";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function walDatabase(): { db: Database.Database; file: string } {
  const dir = mkdtempSync(join(tmpdir(), "checkpointer-"));
  dirs.push(dir);
  const file = join(dir, "app.sqlite");
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.exec("CREATE TABLE t (x TEXT)");
  return { db, file };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
}

describe("startBackgroundCheckpoints", () => {
  it("moves committed pages into the database file from its thread while the connection no longer checkpoints", async () => {
    // GIVEN a WAL database whose checkpoints run on the background thread
    const { db, file } = walDatabase();
    db.pragma("wal_autocheckpoint = 10000");
    const checkpoints = startBackgroundCheckpoints(db, { intervalMs: 5 });
    expect(checkpoints).not.toBeNull();
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(0);
    const before = statSync(file).size;
    // WHEN more than a default autocheckpoint's worth of pages is committed
    const insert = db.prepare("INSERT INTO t VALUES (?)");
    for (let i = 0; i < 1_500; i++) insert.run("x".repeat(4_000));
    // THEN the pages reach the main file (the connection itself never checkpointed: autocheckpoint is 0)
    await until(() => statSync(file).size > before + 1_500 * 4_000);
    // AND stopping the thread gives the connection its own checkpoints back, at the setting it had
    await checkpoints!.stop();
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(10000);
    expect(db.prepare("SELECT count(*) AS n FROM t").get()).toEqual({ n: 1_500 });
    db.close();
  });

  it("leaves an in-memory database alone", () => {
    const db = new Database(":memory:");
    expect(startBackgroundCheckpoints(db)).toBeNull();
    db.close();
  });
});
