import { seedCalendar } from "@gov/calendar";
import { silentLogger } from "@gov/messaging";
import { runtimeConfig } from "@gov/runtime";
import { useBackend } from "@gov/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { reviewAndMonitorModule } from "../module.ts";
import { APPLICANT, expectRebuildEqual, givenCase, type Harness, startApp } from "./fixtures.ts";

useBackend("sqlite", "review-and-monitor: a restart resumes its SQL read model (sqlite)", true);

let h: Harness;
beforeEach(async () => {
  h = await startApp();
});
afterEach(async () => {
  await h.dispose();
});

const calendar = seedCalendar();
const base = "/review-and-monitor";

describe("the read model in SQL (docs/projections.md)", () => {
  it("a restart resumes from the checkpoint stored with the rows: ready at once, nothing applied twice, equal to a fold of the log", async () => {
    await givenCase(h, "A1");
    const rated = await h.request({
      method: "POST",
      url: `${base}/ratings`,
      as: { role: "applicant", sub: APPLICANT },
      body: { caseId: "A1", channel: "per-case", level: "very-dissatisfied", comment: "材料被退回三次" },
    });
    expect(rated.statusCode, rated.body).toBe(201);
    await expectRebuildEqual(h);
    const before = { position: h.module.projection.position, builds: await h.module.projection.builds() };
    expect(before.position).toBeDefined();
    await h.app.close(); // the module and its read model stop; the projection database stays in DATA_DIR

    const again = await reviewAndMonitorModule(
      {
        store: h.store,
        bus: h.bus,
        settings: z.object(runtimeConfig).parse({ DATA_DIR: h.dir, EVENT_BUS: "embedded" }),
        logger: silentLogger,
        clock: h.clock.now,
      },
      {
        schedulerIntervalMs: 0,
        calendar: {
          addWorkingDays: (d, n) => calendar.addWorkingDays(d, n),
          workingDaysBetween: (a, b) => calendar.workingDaysBetween(a, b),
        },
      },
    );
    try {
      // Started from its checkpoint, not from the start of the log: the same build, at the same position.
      expect(again.projection.position).toBe(before.position);
      expect(await again.projection.builds()).toEqual(before.builds);
      await expect.poll(() => again.projection.caughtUp, { timeout: 15_000 }).toBe(true);
      // One loop, one rating: nothing applied twice.
      const model = await again.model.all();
      expect([...model.ratings.keys()]).toHaveLength(1);
      expect([...model.feedback.values()].map((f) => f.kind)).toEqual(["bad-rating"]);
      expect(await again.cases.get("A1")).toMatchObject({ caseId: "A1", applicant: APPLICANT });
    } finally {
      await again.close?.();
      for (const r of again.readModels ?? []) await r.close();
    }
  });
});
