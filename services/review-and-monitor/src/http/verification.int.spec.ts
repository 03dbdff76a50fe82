import { createHash, createHmac, randomUUID } from "node:crypto";
import { seedCalendar } from "@gov/calendar";
import { approvalEventTypes, mattersEventTypes, reviewAndMonitorEventTypes as wire } from "@gov/contracts";
import type { NewEvent } from "@gov/eventsourcing";
import { useBackend } from "@gov/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { samplingDraw } from "../domain/verification/sampling.ts";
import { expectRebuildEqual, type Harness, market, reacted, settled, startApp, until } from "./fixtures.ts";

useBackend("sqlite", "review-and-monitor: 告知承诺 post-verification (sqlite)", true);

const SEED = "audit-2026";
const calendar = seedCalendar();
const DUE = calendar.addWorkingDays("2026-05-06", 20);
let h: Harness;
beforeEach(async () => {
  h = await startApp({ verification: { seed: SEED } });
});
afterEach(async () => {
  await h.dispose();
});
const base = "/review-and-monitor";
const supervising = { creditCode: "11330100MB0000001X", name: "杭州市综合行政执法局" };
const holder = { subjectId: "O91330106MA2H3K7P1X", kind: "organisation" as const };
const event = (type: string, source: string, data: object): NewEvent => ({
  id: randomUUID(),
  type,
  source,
  time: "2026-05-06T10:00:00+08:00",
  data: data as NewEvent["data"],
  actor: { id: "officer-1", role: "officer" },
});
/** Matters' published version as this service's copy reads it (only the elements it uses are given here). */
const published = (version: number, promiseVerification?: object, extra: object = {}) =>
  event(mattersEventTypes.MatterPublished, "gov.matters", {
    matterId: "food",
    version,
    effectiveFrom: "2026-01-01T00:00:00+08:00",
    elements: { name: "食品经营许可", ...extra, ...(promiseVerification ? { promiseVerification } : {}) },
  });
const opened = (caseId: string, acceptanceMode: string, version = 1) =>
  event(approvalEventTypes.CaseOpened, "gov.approval", {
    caseId,
    applicationId: caseId,
    caseNumber: "x",
    matter: {
      matterId: "food",
      version,
      name: "食品经营许可",
      implementationCode: "1".repeat(31),
      department: market,
      supervisingDepartment: supervising,
      region: "330106",
      promisedTimeLimitDays: 10,
      statutoryTimeLimitDays: 20,
    },
    applicant: holder,
    acceptanceMode,
    acceptedOn: "2026-05-06",
    steps: [{ index: 0, name: "承办", timeLimitDays: 10 }],
    clock: {
      limitDays: 10,
      statutoryLimitDays: 20,
      joint: false,
      countsFrom: "2026-05-07",
      dueOn: "2026-05-19",
    },
    credit: { status: "normal", pastFalsePromise: false, strictReview: false, greenChannel: false },
    openedAt: "2026-05-06T10:00:00+08:00",
  });
const decided = (caseId: string, permitId: string, figures: object = {}) =>
  event(approvalEventTypes.CaseDecided, "gov.approval", {
    caseId,
    outcome: "approved",
    auto: false,
    decidedBy: "officer-1",
    decidedOn: "2026-05-06",
    decidedAt: "2026-05-06T15:00:00+08:00",
    permitId,
    ...figures,
  });
const regulator = { role: "regulator" as const, department: supervising.creditCode };

describe("告知承诺 post-verification (国办发〔2020〕42号; 国发〔2021〕7号 证照分离: 告知承诺 事后核查)", () => {
  it("a permit granted on a promise gets a task with the matter's method, its seeded draw recorded", async () => {
    await h.given("matter-food", published(1, { method: "on-site", samplingRatio: 1 }));
    await h.given("case-A1", opened("A1", "informed-commitment"), decided("A1", "P-1"));
    await reacted(h, "verification-P-1", 1);
    const [task] = await h.store.readStream("verification-P-1");
    expect(task?.type).toBe(wire.PromiseVerificationOpened);
    expect(task?.data).toMatchObject({
      permitId: "P-1",
      caseId: "A1",
      subject: holder,
      department: supervising,
      method: "on-site",
      samplingRatio: 1,
      rulesFrom: "matter",
      // 2026-05-06 + 20 working days (国务院办公厅 2026 年部分节假日安排: 2026-05-09 is a working Saturday).
      dueOn: DUE,
      sampling: {
        algorithm: "hmac-sha256-32",
        sampled: true,
        commitment: { scheme: "period-seed-hmac-sha256", period: "2026-05" },
      },
    });
    // The auditor's re-derivation: the same seed and permit give the recorded draw.
    const { sampling } = (task?.data ?? {}) as {
      sampling: { seed: string; draw: number; commitment: { periodSeedSha256: string } };
    };
    expect(samplingDraw(sampling.seed, "P-1")).toBe(sampling.draw);
    // The configured secret is never in an event (one task would predict every other draw).
    expect(JSON.stringify(task)).not.toContain(SEED);
    await settled(h);
    const list = await h.request({ method: "GET", url: `${base}/verifications?status=open`, as: "auditor" });
    expect(list.json()).toMatchObject([{ verificationId: "P-1", status: "open" }]);

    // Commit-reveal: during May its seed is not revealed; in June it is, once, and checks against the commitment.
    const month = () => h.request({ method: "GET", url: `${base}/sampling/2026-05`, as: "auditor" });
    expect((await month()).statusCode).toBe(404);
    h.clock.set("2026-05-29T09:00:00+08:00");
    // The three months before May are revealed (a stopped scheduler catches up); May is not over.
    const early = await h.request({ method: "POST", url: `${base}/sampling/reveal`, as: "system" });
    expect(early.json()).toEqual({ revealed: ["2026-04", "2026-03", "2026-02"] });
    expect((await month()).statusCode).toBe(404);
    h.clock.set("2026-06-01T09:00:00+08:00");
    const reveal = await h.request({ method: "POST", url: `${base}/sampling/reveal`, as: "system" });
    expect(reveal.json().revealed).toContain("2026-05");
    const again = await h.request({ method: "POST", url: `${base}/sampling/reveal`, as: "system" });
    expect(again.json().revealed).toEqual([]);
    const revealed = (await month()).json();
    expect(revealed).toMatchObject({ period: "2026-05", revealedOn: "2026-06-01" });
    const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
    expect(sha256(revealed.periodSeed)).toBe(sampling.commitment.periodSeedSha256);
    expect(createHmac("sha256", revealed.periodSeed).update("P-1").digest("hex")).toBe(sampling.seed);
    expect(revealed.periodSeed).not.toBe(SEED);
    // Bad input names the field; a clerk may not read it; only administrators reveal.
    const bad = await h.request({ method: "GET", url: `${base}/sampling/2026-13`, as: "auditor" });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain("period");
    expect(
      (await h.request({ method: "GET", url: `${base}/sampling/2026-05`, as: "window-clerk" })).statusCode,
    ).toBe(403);
    expect(
      (await h.request({ method: "POST", url: `${base}/sampling/reveal`, as: "auditor" })).statusCode,
    ).toBe(403);
  });

  it("lists come in pages: limit, then the next-cursor; a foreign cursor or a limit over 200 is a 400 naming it", async () => {
    await h.given("matter-food", published(1, { method: "written", samplingRatio: 1 }));
    for (const n of [1, 2, 3]) {
      await h.given(`case-A${n}`, opened(`A${n}`, "informed-commitment"), decided(`A${n}`, `P-${n}`));
      await reacted(h, `verification-P-${n}`, 1);
    }
    await settled(h);
    const list = (query: string) =>
      h.request({ method: "GET", url: `${base}/verifications?${query}`, as: "auditor" });
    const first = await list("limit=2");
    expect(first.json().map((v: { permitId: string }) => v.permitId)).toEqual(["P-1", "P-2"]);
    const next = first.headers["next-cursor"] as string;
    expect(first.headers.link).toContain(`after=${next}`);
    const second = await list(`limit=2&after=${next}`);
    expect(second.json().map((v: { permitId: string }) => v.permitId)).toEqual(["P-3"]);
    expect(second.headers["next-cursor"]).toBeUndefined();
    const foreign = await list(`after=${Buffer.from("[1,2]").toString("base64url")}`);
    expect(foreign.statusCode).toBe(400);
    expect(foreign.body).toContain("query.after");
    const tooMany = await list("limit=201");
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.body).toContain("limit");
  });

  it("no task for a case accepted without a promise; a version naming no rules takes the default", async () => {
    await h.given("matter-food", published(1));
    await h.given("case-A2", opened("A2", "complete"), decided("A2", "P-2"));
    await h.given("case-A3", opened("A3", "informed-commitment"), decided("A3", "P-3"));
    await reacted(h, "verification-P-3", 1);
    await reacted(h, "push-decision.A2", 1);
    expect(await h.store.readStream("verification-P-2")).toHaveLength(0);
    const [task] = await h.store.readStream("verification-P-3");
    expect(task?.data).toMatchObject({ method: "written", samplingRatio: 1, rulesFrom: "default" });
  });

  it("a false promise: refused for others and bad input, then FalsePromiseFound with the outcome, once", async () => {
    await h.given("matter-food", published(1, { method: "online-check", samplingRatio: 1 }));
    await h.given("case-A1", opened("A1", "informed-commitment"), decided("A1", "P-1"));
    await reacted(h, "verification-P-1", 1);
    await reacted(h, "push-decision.A1", 1); // the reaction's last write: nothing more arrives during the probes
    const url = `${base}/verifications/P-1/outcome`;
    await h
      .when({ method: "POST", url, as: regulator, body: { outcome: "false" } })
      .thenRefused(400, ["body.findingId"]);
    await h
      .when({ method: "POST", url, as: regulator, body: { outcome: "maybe", findingId: "FP-1" } })
      .thenRefused(400, ["body.outcome"]);
    await h
      .when({
        method: "POST",
        url,
        as: { role: "regulator", department: market.creditCode },
        body: { outcome: "verified" },
      })
      .thenRefused(403);
    await h.when({ method: "POST", url, as: "supervisor", body: { outcome: "verified" } }).thenRefused(403);
    const { events } = await h
      .when({
        method: "POST",
        url,
        as: regulator,
        body: { outcome: "false", findingId: "FP-1", note: "承诺的经营场所不存在" },
      })
      .thenAppended(201, wire.PromiseVerificationConcluded, wire.FalsePromiseFound);
    expect(events[1]?.subject).toBe("finding-FP-1");
    expect(events[1]?.data).toMatchObject({
      findingId: "FP-1",
      subject: holder,
      department: supervising,
      permitId: "P-1",
      caseId: "A1",
      matterId: "food",
      description: "承诺的经营场所不存在",
    });
    await h.when({ method: "POST", url, as: regulator, body: { outcome: "verified" } }).thenRefused(409);
    await h
      .when({
        method: "POST",
        url: `${base}/verifications/P-9/outcome`,
        as: regulator,
        body: { outcome: "verified" },
      })
      .thenRefused(404);
  });

  it("its deadline warns yellow, then red, once each, in the warning lists; the outcome clears them", async () => {
    await h.given("matter-food", published(1, { method: "written", samplingRatio: 1 }));
    await h.given("case-A1", opened("A1", "informed-commitment"), decided("A1", "P-1"));
    await reacted(h, "verification-P-1", 1);
    await settled(h);
    const run = () => h.request({ method: "POST", url: `${base}/scheduler/run`, as: "system" });
    const warnings = async () =>
      (await h.store.readStream("verification-P-1"))
        .filter((e) => e.type === wire.DeadlineWarningRaised)
        .map((e) => e.data);
    h.clock.set(`${calendar.addWorkingDays("2026-05-06", 18)}T09:00:00+08:00`); // 2 working days left
    await run();
    await settled(h);
    await run();
    expect(await warnings()).toMatchObject([{ clockId: "verify.P-1", level: "yellow", workingDaysLeft: 2 }]);
    await settled(h);
    h.clock.set(`${calendar.addWorkingDays(DUE, 1)}T09:00:00+08:00`);
    await run();
    expect(await warnings()).toMatchObject([
      { level: "yellow" },
      { clockId: "verify.P-1", level: "red", department: supervising, workingDaysLeft: -1 },
    ]);
    await settled(h);
    const red = await h.request({ method: "GET", url: `${base}/warnings?level=red`, as: "supervisor" });
    expect(red.json()).toMatchObject([{ clockId: "verify.P-1", kind: "promise-verification" }]);
    const { events: done } = await h
      .when({
        method: "POST",
        url: `${base}/verifications/P-1/outcome`,
        as: regulator,
        body: { outcome: "verified" },
      })
      .thenAppended(
        201,
        wire.DeadlineWarningCleared,
        wire.DeadlineWarningCleared,
        wire.PromiseVerificationConcluded,
      );
    expect(done[2]?.data).toMatchObject({ outcome: "verified", late: true });
    await settled(h);
    const after = await h.request({ method: "GET", url: `${base}/warnings`, as: "supervisor" });
    expect(after.json()).toEqual([]);
  });
});

describe("efficiency KPIs from approval's decisions and the 告知承诺 tasks (events only; targets as the catalog's)", () => {
  it("on-time rate, average working days, 即办件比率, 最多跑一次, verification and false-promise rates; a rebuild agrees", async () => {
    await h.given(
      "matter-food",
      published(1, { method: "written", samplingRatio: 1 }, { caseKind: "on-the-spot", onSiteVisits: 0 }),
    );
    await h.given("matter-food", published(2, undefined, { caseKind: "promised", onSiteVisits: 2 }));
    // The catalog facts a decision records are the copy's when the decision arrives: let the copy have them first.
    await until(async () => (await h.module.matters.facts("food", 2)) !== undefined, "catalog copied");
    await h.given(
      "case-A1",
      opened("A1", "informed-commitment"),
      decided("A1", "P-1", { workingDaysUsed: 0, withinLimit: true }),
    );
    await h.given(
      "case-A2",
      opened("A2", "complete", 2),
      decided("A2", "P-2", { workingDaysUsed: 12, withinLimit: false }),
    );
    await h.given(
      "case-A3",
      opened("A3", "complete"),
      decided("A3", "P-3", { workingDaysUsed: 3, withinLimit: true }),
    );
    for (const c of ["A1", "A2", "A3"]) await reacted(h, `push-decision.${c}`, 1);
    await reacted(h, "verification-P-1", 1);
    await h
      .when({
        method: "POST",
        url: `${base}/verifications/P-1/outcome`,
        as: regulator,
        body: { outcome: "false", findingId: "FP-1" },
      })
      .thenAppended(201, wire.PromiseVerificationConcluded, wire.FalsePromiseFound);
    await settled(h);
    const kpis = await h.request({
      method: "GET",
      url: `${base}/kpis?from=2026-05-01&to=2026-05-31`,
      as: "auditor",
    });
    expect(kpis.statusCode).toBe(200);
    expect(kpis.json().efficiency).toEqual({
      decisions: 3,
      onTime: { count: 2, total: 3, rate: 0.6667, target: { op: ">=", value: 0.95 }, met: false },
      averageWorkingDays: { value: 5, decisions: 3 },
      onTheSpot: { count: 2, total: 3, rate: 0.6667, target: { op: ">", value: 0.6 }, met: true },
      atMostOneVisit: { count: 2, total: 3, rate: 0.6667, target: { op: ">=", value: 0.9 }, met: false },
      promiseVerification: { count: 1, total: 1, rate: 1, target: { op: ">=", value: 1 }, met: true },
      falsePromise: { count: 1, total: 1, rate: 1 },
    });
    const market2 = await h.request({
      method: "GET",
      url: `${base}/kpis?department=${supervising.creditCode}`,
      as: "auditor",
    });
    expect(market2.json().efficiency).toMatchObject({
      decisions: 0,
      promiseVerification: { count: 1, total: 1 },
    });
    await expectRebuildEqual(h);
  });
});
