import { reviewAndMonitorEventTypes as wire } from "@gov/contracts";
import { useBackend } from "@gov/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  APPLICANT,
  expectRebuildEqual,
  givenCase,
  type Harness,
  market,
  OTHER_APPLICANT,
  REGION,
  settled,
  startApp,
} from "./fixtures.ts";

useBackend("sqlite", "review-and-monitor: ratings and the closed loop (sqlite)", true);

let h: Harness;
beforeEach(async () => {
  h = await startApp();
});
afterEach(async () => {
  await h.dispose();
});

const applicant = { role: "applicant" as const, sub: APPLICANT };
const officer = { role: "officer" as const, department: market.creditCode };
const base = "/review-and-monitor";
const post = (url: string, body: unknown, as: Parameters<Harness["request"]>[0]["as"]) =>
  h.request({ method: "POST", url: `${base}${url}`, body, as });
const get = async (url: string, as: Parameters<Harness["request"]>[0]["as"] = "supervisor") => {
  const r = await h.request({ method: "GET", url: `${base}${url}`, as });
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
};
const badRating = { caseId: "A1", channel: "per-case", level: "very-dissatisfied", comment: "等了两小时" };

describe("好差评 (国办发〔2019〕51号)", () => {
  it("a 差评 opens its closed loop and the clock of its first step in the same write", async () => {
    await givenCase(h, "A1");
    const { body } = await h
      .when({ method: "POST", url: `${base}/ratings`, as: applicant, body: badRating })
      .thenAppended(201, wire.RatingSubmitted, wire.FeedbackOpened, wire.ClockStarted);
    expect(body).toMatchObject({
      id: expect.stringMatching(/^R[0-9a-f]{32}$/),
      feedbackId: expect.any(String),
    });
  });

  it("a good rating opens no loop; one rating per case, channel and rater (409, nothing stored)", async () => {
    await givenCase(h, "A1");
    await h
      .when({
        method: "POST",
        url: `${base}/ratings`,
        as: applicant,
        body: { ...badRating, level: "satisfied" },
      })
      .thenAppended(201, wire.RatingSubmitted);
    await h.when({ method: "POST", url: `${base}/ratings`, as: applicant, body: badRating }).thenRefused(409);
    // The window's 一次一评 for the same case is another channel.
    await h
      .when({
        method: "POST",
        url: `${base}/ratings`,
        as: { role: "window-clerk", region: REGION },
        body: { caseId: "A1", channel: "on-site", level: "basically-satisfied" },
      })
      .thenAppended(201, wire.RatingSubmitted);
  });

  it("an applicant rates only its own cases, on the online channels; an unknown case is a 404", async () => {
    await givenCase(h, "A1");
    await h
      .when({
        method: "POST",
        url: `${base}/ratings`,
        as: { role: "applicant", sub: OTHER_APPLICANT },
        body: badRating,
      })
      .thenRefused(403);
    await h
      .when({
        method: "POST",
        url: `${base}/ratings`,
        as: applicant,
        body: { ...badRating, channel: "on-site" },
      })
      .thenRefused(400, ["body.channel"]);
    await h
      .when({ method: "POST", url: `${base}/ratings`, as: applicant, body: { ...badRating, caseId: "NOPE" } })
      .thenRefused(404);
    await h
      .when({
        method: "POST",
        url: `${base}/ratings`,
        as: { role: "window-clerk", region: "110101" },
        body: { ...badRating, channel: "on-site" },
      })
      .thenRefused(403);
    await h
      .when({
        method: "POST",
        url: `${base}/ratings`,
        as: applicant,
        body: { ...badRating, comment: "联系我 13800138000" },
      })
      .thenRefused(400, ["body.comment"]);
  });

  it("国办发〔2019〕51号 (评价不得强制或干预): changing or deleting a rating is refused (409) and the attempt recorded", async () => {
    await givenCase(h, "A1");
    const id = (await post("/ratings", badRating, applicant)).json().id as string;
    for (const method of ["PUT", "DELETE"] as const) {
      const { response } = await h
        .when({
          method,
          url: `${base}/ratings/${id}`,
          as: officer,
          ...(method === "PUT" ? { body: { level: "satisfied" } } : {}),
        })
        .thenAppended(409, wire.RatingChangeRefused);
      expect(response.headers["content-type"]).toMatch(/problem\+json/);
    }
    await settled(h);
    const [rating] = await get("/ratings");
    expect(rating).toMatchObject({ level: "very-dissatisfied", refusedChangeAttempts: 2 });
  });
});

describe("the 差评 loop through call-back and rectification, an appeal, and the KPIs moving", () => {
  it("call-back → verify → rectify → follow-up rating; KPIs count the call-back and the rectification", async () => {
    await givenCase(h, "A1");
    const { feedbackId } = (await post("/ratings", badRating, applicant)).json();
    await settled(h);
    const before = await get("/kpis");
    expect(before.badRatingCallBack).toMatchObject({
      count: 0,
      total: 1,
      rate: 0,
      met: false,
      target: { value: 1 },
    });
    expect(before.satisfaction).toMatchObject({ count: 0, total: 1 });

    const step = (body: object, as: Parameters<typeof post>[2]) =>
      post(`/feedback/${feedbackId}/steps`, body, as);
    await h
      .when({
        method: "POST",
        url: `${base}/feedback/${feedbackId}/steps`,
        as: "supervisor",
        body: { step: "call-back", outcome: "reached-dissatisfied" },
      })
      .thenAppended(201, wire.FeedbackStepDone, wire.ClockStarted);
    expect((await step({ step: "verify", outcome: "founded" }, "supervisor")).statusCode).toBe(201);
    expect(
      (await step({ step: "answer", outcome: "rectified", note: "增设窗口" }, { role: "officer" }))
        .statusCode,
    ).toBe(403);
    expect((await step({ step: "answer", outcome: "rectified", note: "增设窗口" }, officer)).statusCode).toBe(
      201,
    );
    await h
      .when({
        method: "POST",
        url: `${base}/feedback/${feedbackId}/steps`,
        as: "supervisor",
        body: { step: "close", outcome: "follow-up-rating" },
      })
      .thenAppended(201, wire.FeedbackStepDone, wire.ClockStopped);
    await h
      .when({
        method: "POST",
        url: `${base}/feedback/${feedbackId}/steps`,
        as: "supervisor",
        body: { step: "close", outcome: "closed" },
      })
      .thenRefused(409);

    await settled(h);
    const after = await get("/kpis");
    expect(after.badRatingCallBack).toMatchObject({ count: 1, total: 1, rate: 1, met: true });
    expect(after.badRatingRectification).toMatchObject({ count: 1, total: 1, met: true });
    expect(await get(`/feedback/${feedbackId}`)).toMatchObject({
      status: "closed",
      steps: expect.any(Array),
    });
    // Computed from events only: a rebuild from the log gives the same figures.
    await expectRebuildEqual(h);
  });

  it("恶意差评: an upheld appeal keeps the rating and leaves it out of the KPIs; only the supervisor sees who rated", async () => {
    await givenCase(h, "A1");
    const { feedbackId, id: ratingId } = (await post("/ratings", badRating, applicant)).json();
    await h
      .when({
        method: "POST",
        url: `${base}/feedback/${feedbackId}/appeal`,
        as: officer,
        body: { grounds: "评价内容与办件无关" },
      })
      .thenAppended(201, wire.MaliciousRatingAppealed);
    await settled(h);
    for (const role of ["officer", "regulator", "auditor"] as const) {
      const r = await h.request({
        method: "GET",
        url: `${base}/feedback/${feedbackId}/appeal`,
        as: role === "officer" ? officer : role,
      });
      expect(r.statusCode).toBe(403);
    }
    const appeal = await get(`/feedback/${feedbackId}/appeal`);
    expect(appeal.rating).toMatchObject({ ratingId, rater: expect.stringMatching(/^[0-9a-f]{64}$/) });
    await post(
      `/feedback/${feedbackId}/appeal/decision`,
      { upheld: true, reasons: "恶意差评属实" },
      "supervisor",
    );
    await settled(h);
    const kpis = await get("/kpis");
    expect(kpis.ratings).toMatchObject({ total: 1, excluded: 1 });
    expect(kpis.satisfaction).toMatchObject({ total: 0, rate: null, met: null });
    expect(kpis.badRatingCallBack).toMatchObject({ total: 0 });
    expect(await get("/ratings")).toHaveLength(1);
  });

  it("no response but the supervisor's appeal route carries the rater's pseudonym or subject id", async () => {
    await givenCase(h, "A1");
    const rated = await post("/ratings", badRating, applicant);
    const { feedbackId } = rated.json();
    await post(`/feedback/${feedbackId}/appeal`, { grounds: "评价内容与办件无关" }, officer);
    await post(
      "/complaints",
      {
        complaintId: "GD-1",
        channel: "hotline-12345",
        category: "complaint",
        summary: "窗口推诿",
        complainant: OTHER_APPLICANT,
        department: market,
      },
      "supervisor",
    );
    await settled(h);
    const stored = (await h.store.readAll({ limit: 1000 })).events.map((e) => JSON.stringify(e.data));
    const pseudonyms = [...new Set(stored.join("\n").match(/[0-9a-f]{64}/g) ?? [])].filter((p) =>
      stored.some((s) => s.includes(`"rater":"${p}"`) || s.includes(`"raisedBy":"${p}"`)),
    );
    expect(pseudonyms.length).toBeGreaterThanOrEqual(2);
    const secrets = [...pseudonyms, APPLICANT, OTHER_APPLICANT];
    const bodies = [rated.body];
    const urls = [
      "/ratings",
      "/feedback",
      `/feedback/${feedbackId}`,
      "/feedback/CGD-1",
      "/kpis",
      "/warnings",
      "/overdue",
      "/findings",
    ];
    for (const as of ["supervisor", "regulator", "auditor", officer] as const)
      for (const url of urls)
        bodies.push((await h.request({ method: "GET", url: `${base}${url}`, as })).body);
    for (const body of bodies) for (const secret of secrets) expect(body).not.toContain(secret);
    const appeal = (
      await h.request({ method: "GET", url: `${base}/feedback/${feedbackId}/appeal`, as: "supervisor" })
    ).body;
    expect(pseudonyms.some((p) => appeal.includes(p))).toBe(true);
  });
});

describe("a complaint (12345 / 找茬窗口) on the same loop: routed, answered late, reopened (国办发〔2020〕53号)", () => {
  it("is routed to the department, accepted, answered after its deadline, called back dissatisfied and reopened", async () => {
    const complaint = {
      complaintId: "GD-7",
      channel: "zhaocha-window",
      category: "complaint",
      summary: "办不成事: 营业执照变更被要求重复提交材料",
      complainant: APPLICANT,
      department: market,
    };
    await h
      .when({ method: "POST", url: `${base}/complaints`, as: "supervisor", body: complaint })
      .thenAppended(201, wire.FeedbackOpened, wire.ClockStarted);
    await h
      .when({
        method: "POST",
        url: `${base}/complaints`,
        as: "supervisor",
        body: { ...complaint, complainant: "x" },
      })
      .thenRefused(400, ["body.complainant"]);
    const id = "CGD-7";
    const step = (body: object, as: Parameters<typeof post>[2]) => post(`/feedback/${id}/steps`, body, as);
    expect((await step({ step: "accept", outcome: "accepted" }, officer)).statusCode).toBe(201);
    expect((await step({ step: "verify", outcome: "founded" }, "supervisor")).statusCode).toBe(201);
    h.clock.advanceDays(30); // the answer is due 15 working days after the verification
    expect((await step({ step: "answer", outcome: "rectified" }, officer)).statusCode).toBe(201);
    expect(
      (await step({ step: "call-back", outcome: "reached-dissatisfied" }, "supervisor")).statusCode,
    ).toBe(201);
    await h
      .when({
        method: "POST",
        url: `${base}/feedback/${id}/steps`,
        as: "supervisor",
        body: { step: "close", outcome: "closed" },
      })
      .thenRefused(409);
    await h
      .when({
        method: "POST",
        url: `${base}/feedback/${id}/reopen`,
        as: "supervisor",
        body: { reason: "问题未解决" },
      })
      .thenAppended(201, wire.FeedbackReopened, wire.ClockStarted);
    await settled(h);
    expect(await get(`/feedback/${id}`)).toMatchObject({ status: "open", step: "answer", reopened: 1 });
    const kpis = await get("/kpis");
    expect(kpis.complaints).toMatchObject({
      total: 1,
      byDepartment: { [market.creditCode]: 1 },
      onTimeAnswers: { count: 0, total: 1, met: false },
      callBackSatisfaction: { count: 0, total: 1, rate: 0 },
    });
    // An officer reads its own department only; without the claim it is refused (fail closed).
    expect(
      (await h.request({ method: "GET", url: `${base}/feedback?department=11330100002489999X`, as: officer }))
        .statusCode,
    ).toBe(403);
    expect((await h.request({ method: "GET", url: `${base}/feedback`, as: "officer" })).statusCode).toBe(403);
    expect(await get("/feedback", officer)).toHaveLength(1);
  });
});
