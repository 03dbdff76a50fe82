// Findings 3 and 6 of the attacker's probe, through a real module on the SQLite event store: a lone surrogate
// in a free-text field, and a stored event changed behind the store's back.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { type Command, commandHandler, type Decider, EventTypes } from "@gov/eventsourcing";
import { type App, commandReply, commandResult, mintToken, shutdown } from "@gov/service-kit";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { ServiceDeps } from "./infrastructure.ts";
import { requestContext } from "./request-context.ts";
import { buildServiceApp, loadRuntimeConfig } from "./run-service.ts";

type NoteAdded = { type: "NoteAdded"; data: { text: string } };
type AddNote = Command<"AddNote", { text: string }>;
const decider: Decider<AddNote, NoteAdded, { notes: number }> = {
  initialState: () => ({ notes: 0 }),
  evolve: (s) => ({ notes: s.notes + 1 }),
  decide: (c) => [{ type: "NoteAdded", data: { text: c.data.text } }],
};
const types = new EventTypes<NoteAdded>({ NoteAdded: "gov.test.note.added.v1" });

/** A module with one free-text field: a case note (the shape of a reason, a remark, a correction notice). */
function notesModule(deps: ServiceDeps) {
  const notes = commandHandler({
    store: deps.store,
    decider,
    types,
    source: "gov.test",
    stream: (id) => `note-${id}`,
  });
  const clock = deps.clock ?? (() => new Date().toISOString());
  return {
    name: "notes",
    prefix: "/notes",
    routes: async (app: App) => {
      app.post(
        "/:id",
        {
          config: { auth: { roles: ["officer"] } },
          schema: {
            params: z.object({ id: z.string().regex(/^[a-z0-9-]{1,40}$/) }),
            body: z.object({ text: z.string().min(1).max(500) }),
            response: { 200: commandResult },
          },
        },
        async (request, reply) => {
          const { id } = request.params as { id: string };
          const result = await notes.handle(
            id,
            { type: "AddNote", data: request.body as { text: string } },
            requestContext(request, clock),
          );
          return commandReply(reply, id, result);
        },
      );
    },
  };
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
async function notesApp() {
  const dir = mkdtempSync(join(tmpdir(), "integrity-"));
  dirs.push(dir);
  const app = await buildServiceApp(
    { service: "notes", categories: ["note"], module: notesModule },
    loadRuntimeConfig({
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      EVENT_STORE: "sqlite",
      EVENT_BUS: "embedded",
      DATA_DIR: dir,
    }),
  );
  const token = await mintToken({ sub: "officer-1", role: "officer" });
  const post = (id: string, payload: string) =>
    app.inject({
      method: "POST",
      url: `/notes/${id}`,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      payload,
    });
  return { app, dir, post };
}
const failures = async (app: App) =>
  Number(
    /store_integrity_failures_total\{category="note",reason="hash-mismatch"\} (\d+)/.exec(
      (await app.inject({ method: "GET", url: "/metrics" })).body,
    )?.[1] ?? 0,
  );

describe("finding 3 (odd text) through a module with a free-text field", () => {
  it("answers a lone surrogate in the note with a 400 naming body.text, never a 500 at append; nothing is stored", async () => {
    const { app, post } = await notesApp();
    const res = await post("n1", '{"text":"a\\ud800b"}');
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([expect.objectContaining({ field: "body.text" })]);
    expect(await app.inject({ method: "GET", url: "/health/live" })).toHaveProperty("statusCode", 200);
    const ok = await post("n1", '{"text":"申请人补正材料 \\ud840\\udc00"}');
    expect(ok.statusCode).toBe(200);
    expect(ok.json().revision).toBe(0); // the refused note left nothing behind
    await shutdown(app);
  });
});

describe("finding 6 (tampering): a command on a tampered stream fails loudly", () => {
  it("refuses a command on a stream whose stored event was changed in the SQLite file: 500 integrity-failure, counted, nothing appended", async () => {
    const { app, dir, post } = await notesApp();
    expect((await post("n7", '{"text":"original remark"}')).statusCode).toBe(200);
    expect((await post("n7", '{"text":"second remark"}')).statusCode).toBe(200);
    const before = await failures(app);

    // An attacker with a copy of the store rewrites the first note.
    const db = new DatabaseSync(join(dir, "platform.db"));
    db.prepare(
      "UPDATE events SET envelope = json_set(envelope, '$.data.text', 'forged remark') WHERE stream_id = 'note-n7' AND stream_version = 0",
    ).run();
    const rows = () =>
      (db.prepare("SELECT count(*) AS n FROM events WHERE stream_id = 'note-n7'").get() as { n: number }).n;
    expect(rows()).toBe(2);

    const res = await post("n7", '{"text":"third remark"}');
    expect(res.statusCode).toBe(500);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.json()).toMatchObject({
      type: "https://gov-platform.example/problems/integrity-failure",
      title: "Event store integrity failure",
      status: 500,
    });
    expect(rows()).toBe(2); // nothing was appended on top of the forged history
    expect(await failures(app)).toBe(before + 1);
    // Another stream is untouched and still takes commands.
    expect((await post("n8", '{"text":"fine"}')).statusCode).toBe(200);
    db.close();
    await shutdown(app);
  });
});
