// Finding 6 of the attacker's probe (tampering): the kernel verifies a stream's hash chain when it loads it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { useBackend } from "@gov/testing";
import { afterEach, describe, expect, it } from "vitest";
import { IntegrityError, onIntegrityFailure } from "../hash-chain.ts";
import { openSqliteEventStore } from "../sqlite/index.ts";
import type { Command, CommandMetadata } from "./command.ts";
import type { Decider } from "./decider.ts";
import { EventTypes } from "./event-types.ts";
import { commandHandler } from "./handler.ts";

useBackend("sqlite", "kernel hash-chain verification (sqlite)", true);

type Ev = { type: "Counted"; data: { by: number } };
type Cmd = Command<"Count", { by: number }>;
const tally: Decider<Cmd, Ev, number> = {
  initialState: () => 0,
  evolve: (total, e) => total + e.data.by,
  decide: (c) => [{ type: "Counted", data: { by: c.data.by } }],
};
const types = new EventTypes<Ev>({ Counted: "gov.test.tally.counted.v1" });
const ctx: CommandMetadata = {
  now: "2026-03-02T09:00:00+08:00",
  actor: { id: "clerk-1", role: "window-clerk" },
};

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
async function tallies() {
  const dir = mkdtempSync(join(tmpdir(), "kernel-integrity-"));
  const store = await openSqliteEventStore({ path: join(dir, "events.db") });
  const db = new DatabaseSync(join(dir, "events.db"));
  cleanups.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => store.close(),
    () => db.close(),
  );
  const h = commandHandler({
    store,
    decider: tally,
    types,
    source: "gov.test",
    stream: (id) => `tally-${id}`,
  });
  for (const by of [1, 2, 3]) await h.handle("a", { type: "Count", data: { by } }, ctx);
  return { h, db, store };
}

describe("finding 6 (tampering): the kernel verifies the hash chain of every stream it loads for a command", () => {
  it("refuses to decide on a stream with an altered event (hash-mismatch), in handle and in load, and tells the listeners", async () => {
    const { h, db, store } = await tallies();
    db.prepare(
      "UPDATE events SET envelope = json_set(envelope, '$.data.by', 100) WHERE stream_id = 'tally-a' AND stream_version = 1",
    ).run();
    const seen: IntegrityError[] = [];
    cleanups.push(onIntegrityFailure((e) => seen.push(e)));
    const refused = await h.handle("a", { type: "Count", data: { by: 4 } }, ctx).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(IntegrityError);
    expect(refused).toMatchObject({
      name: "IntegrityError",
      streamId: "tally-a",
      revision: 1,
      reason: "hash-mismatch",
    });
    await expect(h.load("a")).rejects.toThrow(IntegrityError);
    expect(seen.map((e) => e.reason)).toEqual(["hash-mismatch", "hash-mismatch"]);
    expect(await store.readStream("tally-a")).toHaveLength(3); // nothing appended
  });

  it("notices a removed event (missing-revision) and an event moved from another stream (broken-link)", async () => {
    const { h, db } = await tallies();
    await h.handle("b", { type: "Count", data: { by: 9 } }, ctx);
    db.prepare("DELETE FROM events WHERE stream_id = 'tally-a' AND stream_version = 1").run();
    await expect(h.handle("a", { type: "Count", data: { by: 1 } }, ctx)).rejects.toMatchObject({
      reason: "missing-revision",
      revision: 1,
    });
    // Replace b's only event with a's first: valid on its own, but not the head of b's chain.
    db.prepare(
      "UPDATE events SET envelope = (SELECT envelope FROM events WHERE stream_id = 'tally-a' AND stream_version = 2) WHERE stream_id = 'tally-b'",
    ).run();
    await expect(h.load("b")).rejects.toMatchObject({ name: "IntegrityError", streamId: "tally-b" });
  });

  it("still serves untouched streams", async () => {
    const { h } = await tallies();
    expect((await h.handle("a", { type: "Count", data: { by: 4 } }, ctx)).state).toBe(10);
  });
});
