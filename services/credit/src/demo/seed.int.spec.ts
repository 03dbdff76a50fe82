import { serviceTestApp } from "@gov/runtime/testing";
import { useBackend } from "@gov/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { creditModule } from "../module.ts";

useBackend("sqlite", "credit demo subjects (sqlite)", true);

describe("the credit demo data (./scripts/start)", () => {
  const start = () => serviceTestApp((deps) => creditModule(deps, { schedulerIntervalMs: 0 }));
  let h: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    h = await start();
  });
  afterAll(async () => {
    await h?.dispose();
  });

  it("puts subjects in force on every list, and one still inside its objection window", async () => {
    await h.module.seedDemo?.();
    // The registry has read the log as far as the demo data wrote it.
    const head = (await h.store.readAll({ limit: 1_000_000 })).events.at(-1)?.position ?? "0";
    expect(await h.module.projection.waitFor(head, 10_000)).toBe(true);
    expect(await h.module.registry.snapshot()).toHaveLength(6);
    const all = await h.module.registry.snapshot();
    for (const list of ["red", "black", "abnormal-operation"] as const) {
      const res = await h.request({ method: "GET", url: `/credit/lists/${list}` });
      expect(res.json().length, list).toBeGreaterThanOrEqual(1);
    }
    // The 经营异常名录 entry has its ground and no severity or end (企业经营异常名录管理暂行办法 第四条).
    const abnormal = (await h.request({ method: "GET", url: "/credit/lists/abnormal-operation" })).json();
    expect(abnormal[0].listing).toMatchObject({
      ground: "annual-report-not-filed",
      seriousListOn: expect.any(String),
    });
    expect(abnormal[0].listing.severity).toBeUndefined();
    expect(abnormal[0].listing.maxDisclosureUntil).toBeUndefined();
    const pending = all.flatMap((s) => s.listings.filter((l) => l.stage === "notified"));
    expect(pending).toHaveLength(1);
    expect(all.map((s) => s.status).sort()).toEqual([
      "green-channel",
      "green-channel",
      "normal",
      "strict-review",
      "strict-review",
      "strict-review",
    ]);
  });

  it("stores nothing more when loaded again", async () => {
    const before = (await h.newEvents()).length;
    await h.module.seedDemo?.();
    expect((await h.newEvents()).length).toBe(before);
  });
});
