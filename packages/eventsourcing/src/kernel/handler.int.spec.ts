import { useBackend } from "@gov/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { ConcurrencyError, EventContractError } from "../errors.ts";
import { embeddedTestStore } from "../testing/embedded-store.ts";
import type { Command, CommandMetadata } from "./command.ts";
import type { Decider } from "./decider.ts";
import { EventTypes } from "./event-types.ts";
import { commandHandler, defaultRetryPolicy } from "./handler.ts";
import { memoryReadModel } from "./memory-projection.ts";
import { comparePositions } from "./positions.ts";

useBackend("sqlite", "kernel command handler and read models (sqlite)", true);

// A tally aggregate: enough to exercise the handler's paths against a real SQLite file store.
type Ev =
  | { type: "Counted"; data: { by: number; note: string } }
  | { type: "Closed"; data: { total: number } };
type Cmd = Command<"Count", { by: number; note?: string }> | Command<"Close", Record<string, never>>;
type St = { status: "open"; total: number } | { status: "closed"; total: number };
const tally: Decider<Cmd, Ev, St> = {
  initialState: () => ({ status: "open", total: 0 }),
  evolve: (state, event) =>
    event.type === "Counted"
      ? { status: "open", total: state.total + event.data.by }
      : { status: "closed", total: state.total },
  decide: (command, state) => {
    if (state.status === "closed") throw new Error("closed");
    switch (command.type) {
      case "Count":
        return [{ type: "Counted", data: { by: command.data.by, note: command.data.note ?? "ok" } }];
      case "Close":
        return [{ type: "Closed", data: { total: state.total } }];
      default: {
        const never: never = command;
        return never;
      }
    }
  },
};
const types = new EventTypes<Ev>(
  { Counted: "gov.test.tally.counted.v1", Closed: "gov.test.tally.closed.v1" },
  { schemas: { Counted: z.object({ by: z.number().int().positive(), note: z.string().min(1) }) } },
);
const ctx: CommandMetadata = {
  now: "2026-03-02T09:00:00+08:00",
  actor: { id: "clerk-1", role: "window-clerk" },
};

let t: Awaited<ReturnType<typeof embeddedTestStore>>;
beforeEach(async () => {
  t = await embeddedTestStore();
});
afterEach(async () => {
  await t.dispose();
});
const handler = () =>
  commandHandler({
    store: t.store,
    decider: tally,
    types,
    source: "gov.test",
    stream: (id) => `tally-${id}`,
  });

describe("kernel command handler", () => {
  it("loads, decides and appends; the reply carries revision, events and the last event's log position", async () => {
    const h = handler();
    const first = await h.handle("a", { type: "Count", data: { by: 2 } }, ctx);
    const second = await h.handle("a", { type: "Count", data: { by: 3 } }, ctx);
    expect(second.nextExpectedRevision).toBe(1);
    expect(second.state).toEqual({ status: "open", total: 5 });
    const stored = await t.newEvents();
    expect(stored.map((e) => [e.subject, e.caseid, e.actor.role])).toEqual([
      ["tally-a", "a", "window-clerk"],
      ["tally-a", "a", "window-clerk"],
    ]);
    expect(second.position).toBe(stored[1]?.position);
    expect(comparePositions(first.position as string, second.position as string)).toBeLessThan(0);
    expect(await h.load("a")).toEqual({ status: "open", total: 5 });
  });

  it("re-decides after a conflicting append under the one default policy (two retries)", async () => {
    expect(defaultRetryPolicy.conflictRetries).toBe(2);
    const h = handler();
    const all = await Promise.all([1, 2, 3].map((by) => h.handle("b", { type: "Count", data: { by } }, ctx)));
    expect(all.map((r) => r.events.length)).toEqual([1, 1, 1]);
    expect(await h.load("b")).toEqual({ status: "open", total: 6 });
  });

  it("with If-Match (expectedRevision) a stream that moved on is a conflict at once, and nothing is appended", async () => {
    const h = handler();
    await h.handle("c", { type: "Count", data: { by: 1 } }, ctx);
    await h.handle("c", { type: "Count", data: { by: 1 } }, ctx);
    await expect(
      h.handle("c", { type: "Close", data: {} }, { ...ctx, expectedRevision: 0 }),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect((await t.newEvents()).length).toBe(2);
    const closed = await h.handle("c", { type: "Close", data: {} }, { ...ctx, expectedRevision: 1 });
    expect(closed.events).toEqual([{ type: "Closed", data: { total: 2 } }]);
  });

  it("checks each event against its contract before appending: a breach names the type and field, stores nothing", async () => {
    const h = handler();
    const attempt = h.handle("d", { type: "Count", data: { by: 1, note: "" } }, ctx);
    await expect(attempt).rejects.toBeInstanceOf(EventContractError);
    await expect(attempt).rejects.toThrow(/gov\.test\.tally\.counted\.v1: data\.note/);
    expect(await t.newEvents()).toEqual([]);
  });

  it("derives ids from an Idempotency-Key: a repeat is a replay with the first position", async () => {
    const h = handler();
    const first = await h.handle("e", { type: "Count", data: { by: 4 } }, { ...ctx, idempotencyKey: "k1" });
    const again = await h.handle("e", { type: "Count", data: { by: 4 } }, { ...ctx, idempotencyKey: "k1" });
    expect(again.replayed).toBe(true);
    expect(again.position).toBe(first.position);
    expect((await t.newEvents()).length).toBe(1);
  });
});

describe("memory read model", () => {
  it("is ready once caught up, and a read can wait for a command's position (read your writes)", async () => {
    const h = handler();
    const seen: string[] = [];
    const readModel = memoryReadModel(t.store, {
      name: "tally-view",
      categories: ["tally"],
      create: () => ({ apply: (e: { subject: string }) => void seen.push(e.subject) }),
    });
    try {
      await expect.poll(() => readModel.caughtUp, { timeout: 10_000 }).toBe(true);
      await readModel.readiness.check();
      const r = await h.handle("f", { type: "Count", data: { by: 1 } }, ctx);
      expect(await readModel.waitFor(r.position as string, 10_000)).toBe(true);
      expect(seen).toEqual(["tally-f"]);
      expect(await readModel.waitFor("999999999", 50)).toBe(false);
      expect((await readModel.rebuild()) !== readModel.model).toBe(true);
    } finally {
      await readModel.close();
    }
  });
});

describe("log positions", () => {
  it("orders every adapter's positions as tuples of integers", () => {
    expect(comparePositions("9", "10")).toBeLessThan(0);
    expect(comparePositions("100:7", "99:8")).toBeGreaterThan(0);
    expect(comparePositions("5/5", "5/5")).toBe(0);
    expect(() => comparePositions("x", "1")).toThrow(/not a log position/);
  });
});
