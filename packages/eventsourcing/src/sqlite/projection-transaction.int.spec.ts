import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { useBackend } from "@gov/testing";
import { expect, it } from "vitest";
import { runCatchUp } from "../kernel/subscription.ts";
import { openSqliteEventStore } from "./store.ts";

useBackend("sqlite", "projection transactions (sqlite)", true);

it("commits a read model's rows and its checkpoint in one SQLite transaction, so a crash re-applies nothing", async () => {
  const dir = mkdtempSync(join(tmpdir(), "es-proj-"));
  const path = join(dir, "events.db");
  const store = openSqliteEventStore({ path, pollMs: 20 });
  store.db.exec(
    "CREATE TABLE totals (id TEXT PRIMARY KEY, n INTEGER); CREATE TABLE proj_checkpoint (id INTEGER PRIMARY KEY, position TEXT)",
  );
  for (let i = 0; i < 9; i++) {
    await store.append(
      `tally-${i % 3}`,
      [
        {
          id: randomUUID(),
          type: "gov.test.tally.added.v1",
          source: "gov.test",
          time: "2026-03-02T09:00:00+08:00",
          data: { n: 1 },
          actor: { id: "t", role: "system" },
        },
      ],
      "any",
    );
  }
  const project = async (s: typeof store, crashOnPage?: number) => {
    const controller = new AbortController();
    let page = 0;
    await runCatchUp({
      store: s,
      subscriberId: "tally",
      batchSize: 4,
      idleWaitMs: 20,
      signal: controller.signal,
      onCaughtUp: () => controller.abort(),
      load: () =>
        (
          s.db.prepare("SELECT position FROM proj_checkpoint WHERE id = 1").get() as
            | { position: string }
            | undefined
        )?.position,
      handle: (events, next) =>
        s.transaction(() => {
          for (const e of events) {
            s.db
              .prepare("INSERT INTO totals (id, n) VALUES (?, 1) ON CONFLICT (id) DO UPDATE SET n = n + 1")
              .run(e.subject);
          }
          s.db
            .prepare(
              "INSERT INTO proj_checkpoint (id, position) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position",
            )
            .run(next);
          page += 1;
          if (page === crashOnPage) throw new Error("crash before commit");
        }),
    });
  };
  await expect(project(store, 2)).rejects.toThrow("crash");
  const afterCrash = store.db.prepare("SELECT SUM(n) AS total FROM totals").get() as { total: number };
  expect(afterCrash.total).toBe(4); // the first page only; the second rolled back with its checkpoint
  const restarted = openSqliteEventStore({ path, pollMs: 20 });
  await project(restarted);
  expect(restarted.db.prepare("SELECT id, n FROM totals ORDER BY id").all()).toEqual([
    { id: "tally-0", n: 3 },
    { id: "tally-1", n: 3 },
    { id: "tally-2", n: 3 },
  ]);
  await store.close();
  await restarted.close();
  rmSync(dir, { recursive: true, force: true });
});
