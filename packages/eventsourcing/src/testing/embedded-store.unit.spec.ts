import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import type { NewEvent } from "../envelope.ts";
import { embeddedTestStore } from "./embedded-store.ts";

const ev = (type: string): NewEvent => ({
  id: randomUUID(),
  type,
  source: "gov.test",
  time: "2026-03-02T09:00:00+08:00",
  data: {},
  actor: { id: "t", role: "system" },
});

it("separates the given streams from the events a test's action appends", async () => {
  const t = await embeddedTestStore({ "thing-1": [ev("gov.test.thing.made.v1")] });
  expect(await t.newEvents()).toEqual([]);
  await t.store.append("thing-1", [ev("gov.test.thing.changed.v1")], 0);
  expect((await t.newEvents()).map((e) => e.type)).toEqual(["gov.test.thing.changed.v1"]);
  await t.dispose();
});
