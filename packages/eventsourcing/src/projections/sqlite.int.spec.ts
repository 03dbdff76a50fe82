import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { useBackend } from "@gov/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ProjectionDatabase } from "./port.ts";
import { openSqliteProjectionDatabase } from "./sqlite.ts";

useBackend("sqlite", "eventsourcing/projections sqlite group commit", true);

describe("SQLite projection database: group commit", () => {
  let dir: string;
  let db: ProjectionDatabase;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "gov-proj-group-"));
    db = openSqliteProjectionDatabase({ path: join(dir, "group-projections.db") });
    await db.exec("CREATE TABLE notes (name TEXT PRIMARY KEY)");
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const names = async () =>
    (await db.all<{ name: string }>("SELECT name FROM notes ORDER BY name")).map((r) => r.name);

  it("transactions asked for in the same turn share one commit: the reader sees none of them before it", async () => {
    const seenByReader: string[][] = [];
    const first = db.transaction(async (tx) => {
      await tx.run("INSERT INTO notes (name) VALUES (?)", ["a"]);
    });
    const second = db.transaction(async (tx) => {
      // The writer sees the first transaction's row; the reader (committed data only) does not yet.
      expect(await tx.get("SELECT name FROM notes WHERE name = 'a'")).toEqual({ name: "a" });
      seenByReader.push(await names());
      await tx.run("INSERT INTO notes (name) VALUES (?)", ["b"]);
    });
    await Promise.all([first, second]);
    expect(seenByReader).toEqual([[]]);
    expect(await names()).toEqual(["a", "b"]);
  });

  it("a failing transaction rolls back only its own writes; the others of its group commit", async () => {
    const outcomes = await Promise.allSettled([
      db.transaction((tx) => tx.run("INSERT INTO notes (name) VALUES (?)", ["a"])),
      db.transaction(async (tx) => {
        await tx.run("INSERT INTO notes (name) VALUES (?)", ["b"]);
        throw new Error("checkpoint conflict");
      }),
      db.transaction((tx) => tx.run("INSERT INTO notes (name) VALUES (?)", ["c"])),
      // A constraint error from SQLite itself (the row is already there in this group).
      db.transaction((tx) => tx.run("INSERT INTO notes (name) VALUES (?)", ["a"])),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled", "rejected"]);
    expect(await names()).toEqual(["a", "c"]);
  });

  it("a transaction alone that fails leaves nothing behind, and the next one runs", async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.run("INSERT INTO notes (name) VALUES (?)", ["a"]);
        throw new Error("no");
      }),
    ).rejects.toThrow("no");
    await db.run("INSERT INTO notes (name) VALUES (?)", ["b"]);
    expect(await names()).toEqual(["b"]);
  });

  it("close waits for the transactions already asked for", async () => {
    const pending = db.transaction((tx) => tx.run("INSERT INTO notes (name) VALUES (?)", ["late"]));
    const reopened = join(dir, "group-projections.db");
    await db.close();
    await pending;
    db = openSqliteProjectionDatabase({ path: reopened });
    expect(await names()).toEqual(["late"]);
  });
});
