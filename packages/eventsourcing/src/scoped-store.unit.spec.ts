import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { ForeignCategoryError, ownCategoriesOnly } from "./scoped-store.ts";
import { embeddedTestStore } from "./testing/embedded-store.ts";

const ev = () => ({
  id: randomUUID(),
  type: "gov.test.thing.made.v1",
  source: "gov.test",
  time: "2026-03-02T09:00:00+08:00",
  data: {},
  actor: { id: "t", role: "system" as const },
});

it("appends to the service's own categories, refuses any other and stores nothing, reads everything", async () => {
  const t = await embeddedTestStore({ "application-1": [ev()] });
  const matters = ownCategoriesOnly(t.store, "matters", ["matter", "bundle"]);
  await matters.append("matter-food", [ev()], "no-stream");
  await expect(matters.append("application-1", [ev()], "any")).rejects.toBeInstanceOf(ForeignCategoryError);
  await expect(
    matters.appendMany([
      { streamId: "matter-water", events: [ev()], expectedRevision: "no-stream" },
      { streamId: "application-2", events: [ev()], expectedRevision: "no-stream" },
    ]),
  ).rejects.toBeInstanceOf(ForeignCategoryError);
  expect((await t.newEvents()).map((e) => e.subject)).toEqual(["matter-food"]);
  expect(await matters.readStream("application-1")).toHaveLength(1);
  expect(matters.checkpoints).toBe(t.store.checkpoints);
  await t.dispose();
});
