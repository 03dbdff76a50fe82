import { calendarSeed } from "@gov/calendar";
import { rebuildMemoryModel } from "@gov/eventsourcing";
import { serviceTestApp, type TestCaller } from "@gov/runtime/testing";
import { useBackend } from "@gov/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hygieneMatter } from "../domain/application/fixtures.ts";
import { type IntakeModuleOptions, intakeModule } from "../module.ts";
import { ApplicationsModel } from "../read-models/applications.ts";
import { applicationCommandResult, bundleCommandResult } from "./schemas.ts";
import {
  creditStatus,
  hygieneElements,
  publishBundle,
  publishCalendar,
  publishMatter,
} from "./test-fixtures.ts";

useBackend("sqlite", "intake HTTP API (sqlite)", true);

const CODE = "91330106MA2H3K7P1E";
const SUBJECT = `O${CODE}`;
const submitted = "gov.intake.application.submitted.v1";
const accepted = "gov.intake.application.accepted.v1";
const serial = "gov.intake.caseserial.allocated.v1";
const file = (id: string) => ({
  materialId: id,
  provision: "provided",
  file: { uri: `s3://uploads/${id}.pdf`, sha256: "b".repeat(64) },
});
const complete = [
  file("M01"),
  { materialId: "LIC", provision: "certificate", certificateId: "ZZ-330106-2025-000123" },
  file("M03"),
  file("M04"),
];
const application = (materials: object[] = complete, over: object = {}) => ({
  matterId: hygieneMatter.matterId,
  applicant: { kind: "organisation", creditCode: CODE, name: "杭州示例餐饮管理有限公司" },
  channel: "window",
  materials,
  ...over,
});

const clerk: TestCaller = { role: "window-clerk", region: "330100" };
const applicantCaller: TestCaller = { role: "applicant", sub: SUBJECT };

const start = (options: IntakeModuleOptions = {}) =>
  serviceTestApp((deps) => intakeModule(deps, { schedulerIntervalMs: 0, ...options }), {
    start: "2026-09-29T10:00:00+08:00",
  });
let h: Awaited<ReturnType<typeof start>>;
/** Opens intake with the fixture matter and the published working-day calendar (by default 2025 and 2026). */
const open = async (options: IntakeModuleOptions = {}, years = calendarSeed) => {
  h = await start(options);
  await publishMatter(h);
  await publishCalendar(h, years);
  await expect.poll(() => h.module.matters.size()).toBe(1);
  await expect.poll(() => h.module.calendar.years().length).toBe(years.length);
};
afterEach(async () => {
  await h.dispose();
});

/** The one command reply, checked against its schema. */
const replyOf = (body: unknown) => applicationCommandResult.parse(body);
/** A GET that waits until the read model has read the log up to `position` (read your own writes). */
const get = async (url: string, as: TestCaller = clerk, position?: string) => {
  const res = await h.request({
    method: "GET",
    url,
    as,
    ...(position ? { headers: { "min-log-position": position } } : {}),
  });
  return { status: res.statusCode, json: res.json() };
};
const post = (url: string, body: object, as: TestCaller = clerk) =>
  h.request({ method: "POST", url, as, body });
/** Submits as a clerk; answers the application id once the read model has it. */
const submit = async (materials: object[] = complete, over: object = {}) => {
  const { body } = await h
    .when({ method: "POST", url: "/intake/applications", as: clerk, body: application(materials, over) })
    .thenAppended(201, submitted);
  const reply = replyOf(body);
  await get(`/intake/applications/${reply.id}`, clerk, reply.position);
  return reply.id;
};
const model = () => h.module.applications;
const seen = async (id: string, status: string) =>
  expect.poll(async () => (await h.module.applications.get(id))?.status).toBe(status);

describe("intake API: from submission to acceptance (行政许可法 第三十二条)", () => {
  beforeEach(() => open());

  it("a window clerk submits a complete application; the check accepts it with a case number and a due date", async () => {
    const { body, response } = await h
      .when({ method: "POST", url: "/intake/applications", as: clerk, body: application() })
      .thenAppended(201, {
        type: submitted,
        source: "gov.intake",
        actor: { id: "window-clerk-1", role: "window-clerk" },
      });
    const reply = replyOf(body);
    expect(reply).toMatchObject({ revision: 0, events: [{ type: "ApplicationSubmitted" }], replayed: false });
    expect(reply).not.toHaveProperty("warnings");
    expect(response.headers.etag).toBe('"0"');
    expect(response.headers["log-position"]).toBe(reply.position);
    const view = await get(`/intake/applications/${reply.id}`, clerk, reply.position);
    expect(view.json).toMatchObject({ status: "submitted", checksumOk: true, warnings: [] });
    expect((await get("/intake/queue")).json.map((a: { applicationId: string }) => a.applicationId)).toEqual([
      reply.id,
    ]);
    const checked = await h
      .when({
        method: "POST",
        url: `/intake/applications/${reply.id}/check`,
        as: clerk,
        body: { defects: [] },
      })
      .thenAppended(200, serial, { type: accepted, caseid: reply.id });
    expect(replyOf(checked.body)).toMatchObject({
      id: reply.id,
      revision: 1,
      events: [{ type: "ApplicationAccepted" }],
      caseNumber: `${hygieneMatter.implementationCode}202609290001`,
    });
    const after = await get(`/intake/applications/${reply.id}`, clerk, replyOf(checked.body).position);
    expect(after.json.accepted).toMatchObject({
      mode: "complete",
      acceptedOn: "2026-09-29",
      dueOn: "2026-10-12",
    });
    expect((await get("/intake/queue")).json).toEqual([]);
  });

  it("an incomplete application gets one notice (never naming the 营业执照 the government holds: 国发〔2022〕5号); the applicant supplements; the next check accepts", async () => {
    const id = await submit([file("M01"), file("M04")]);
    const notice = await h
      .when({ method: "POST", url: `/intake/applications/${id}/check`, as: clerk, body: {} })
      .thenAppended(200, "gov.intake.application.correction-requested.v1");
    expect(replyOf(notice.body).events).toEqual([{ type: "CorrectionRequested" }]);
    expect(replyOf(notice.body)).not.toHaveProperty("caseNumber");
    const view = await get(`/intake/applications/${id}`, clerk, replyOf(notice.body).position);
    expect(view.json.status).toBe("correction-requested");
    expect(view.json.notices[0].items.map((i: { materialId: string }) => i.materialId)).toEqual(["M03"]);
    const supplement = await h
      .when({
        method: "POST",
        url: `/intake/applications/${id}/supplement`,
        as: applicantCaller,
        body: {
          materials: [{ materialId: "LIC", provision: "certificate", certificateId: "ZZ-1" }, file("M03")],
        },
      })
      .thenAppended(200, "gov.intake.application.materials-supplemented.v1");
    await get(`/intake/applications/${id}`, clerk, replyOf(supplement.body).position);
    await seen(id, "supplemented");
    await h
      .when({ method: "POST", url: `/intake/applications/${id}/check`, as: clerk, body: {} })
      .thenAppended(200, serial, accepted);
  });

  it("refuses 告知承诺 to a black-listed (strict-review) applicant, and flags the application (credit gate)", async () => {
    await creditStatus(h, SUBJECT, "strict-review");
    await expect.poll(async () => (await h.module.credit.of(SUBJECT)).status).toBe("strict-review");
    const promising = complete.map((m) =>
      m.materialId === "M03" ? { materialId: "M03", provision: "promised" } : m,
    );
    const id = await submit(promising, { informedCommitmentRequested: true });
    expect((await get(`/intake/applications/${id}`)).json.flags).toEqual(["strict-review"]);
    const notice = await h
      .when({ method: "POST", url: `/intake/applications/${id}/check`, as: clerk, body: {} })
      .thenAppended(200, "gov.intake.application.correction-requested.v1");
    const view = await get(`/intake/applications/${id}`, clerk, replyOf(notice.body).position);
    expect(view.json.status).toBe("correction-requested");
    expect(view.json.notices[0].items).toEqual([
      expect.objectContaining({ materialId: "M03", problem: "promise-not-allowed" }),
    ]);
  });

  it("deems an application accepted on its day of receipt when no notice came within 5 working days (第三十二条)", async () => {
    const id = await submit();
    h.clock.set("2026-10-12T18:00:00+08:00");
    await h
      .when({ method: "POST", url: "/intake/scheduler/run", as: "system", body: {} })
      .thenAppended(200)
      .then(({ body }) => expect(body).toEqual({ deemedAccepted: 0, terminated: 0, stuck: [] }));
    h.clock.set("2026-10-13T09:00:00+08:00");
    await h
      .when({ method: "POST", url: "/intake/scheduler/run", as: "system", body: {} })
      .thenAppended(200, serial, accepted)
      .then(({ body }) => expect(body).toEqual({ deemedAccepted: 1, terminated: 0, stuck: [] }));
    await seen(id, "accepted");
    expect((await get(`/intake/applications/${id}`)).json.accepted).toMatchObject({
      mode: "deemed",
      acceptedOn: "2026-09-29",
      caseNumber: `${hygieneMatter.implementationCode}202609290001`,
    });
  });

  it("gives concurrent acceptances of one matter on one day distinct, gap-free serials", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await submit());
    const results = await Promise.all(ids.map((id) => post(`/intake/applications/${id}/check`, {})));
    const serials = results.map((r) => replyOf(r.json()).caseNumber?.slice(-4)).sort();
    expect(serials).toEqual(["0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008"]);
  });

  it("a check pinned to a revision the application has moved on from (If-Match) is a 409 and draws no case number (办件编号 gap-free)", async () => {
    const id = await submit();
    await h
      .when({
        method: "POST",
        url: `/intake/applications/${id}/check`,
        as: clerk,
        body: {},
        headers: { "if-match": '"3"' },
      })
      .thenRefused(409);
    const checked = await h
      .when({
        method: "POST",
        url: `/intake/applications/${id}/check`,
        as: clerk,
        body: {},
        headers: { "if-match": '"0"' },
      })
      .thenAppended(200, serial, accepted);
    expect(replyOf(checked.body).caseNumber).toBe(`${hygieneMatter.implementationCode}202609290001`);
  });

  it("a rebuild of the applications from the log equals the live read model", async () => {
    const a = await submit();
    const b = await submit([file("M01")]);
    await post(`/intake/applications/${a}/check`, {});
    await post(`/intake/applications/${b}/check`, {});
    await seen(b, "correction-requested");
    await seen(a, "accepted");
    const rebuilt = await rebuildMemoryModel(h.store, ["application"], new ApplicationsModel());
    expect(rebuilt.snapshot()).toEqual(await h.module.applications.snapshot());
  });

  it("accepts an early 统一社会信用代码 that fails its check character, with a warning in the reply and on the view (GB 32100-2015)", async () => {
    const early = "91330106MA2H3K7P10";
    const { body } = await h
      .when({
        method: "POST",
        url: "/intake/applications",
        as: clerk,
        body: application(complete, { applicant: { kind: "organisation", creditCode: early } }),
      })
      .thenAppended(201, { type: submitted, data: { applicant: { subjectId: `O${early}` } } });
    const reply = replyOf(body);
    expect(reply.warnings).toEqual([expect.stringMatching(/check character/)]);
    const view = await get(`/intake/applications/${reply.id}`, clerk, reply.position);
    expect(view.json).toMatchObject({ checksumOk: false, warnings: reply.warnings });
  });

  it('one "一件事" form makes one application per matter: the reply names the bundle application and its cases', async () => {
    await publishMatter(h, hygieneElements, "second-matter");
    await publishBundle(h, "open-a-restaurant", [hygieneMatter.matterId, "second-matter"]);
    await expect.poll(() => h.module.matters.bundle("open-a-restaurant")).toBeDefined();
    const { body, response } = await h
      .when({
        method: "POST",
        url: "/intake/bundle-applications",
        as: clerk,
        body: {
          bundleId: "open-a-restaurant",
          applicant: { kind: "organisation", creditCode: CODE },
          channel: "window",
          materials: [{ materialId: "LIC", provision: "certificate", certificateId: "ZZ-1" }],
        },
      })
      .thenAppended(201, submitted, submitted);
    const reply = bundleCommandResult.parse(body);
    expect(reply.id).toMatch(/^B/);
    expect(reply.applicationIds).toHaveLength(2);
    expect(reply.events).toEqual([{ type: "ApplicationSubmitted" }, { type: "ApplicationSubmitted" }]);
    expect(response.headers.etag).toBeUndefined();
    const bundle = await get(`/intake/bundle-applications/${reply.id}`, clerk, reply.position);
    expect(bundle.json.cases.map((c: { applicationId: string }) => c.applicationId).sort()).toEqual(
      [...reply.applicationIds].sort(),
    );
  });
});

describe("intake API: the working-day calendar is published data (国务院办公厅关于2026年部分节假日安排的通知; 行政许可法 第八十二条)", () => {
  // Only 2026 is published: counting working days into 2027 fails until an administrator publishes it.
  const only2026 = calendarSeed.filter((y) => y.year === 2026);
  /** TEST DATA for 2027 (a plausible arrangement, not the State Council's real notice). */
  const test2027 = {
    year: 2027,
    holidays: ["2027-01-01", "2027-01-02", "2027-01-03"],
    makeUpWorkdays: [],
    notice: { title: "测试数据：2027年节假日安排（非真实通知）", number: "TEST〔2026〕1号" },
  };
  beforeEach(() => open({}, only2026));

  it("a check whose deadline falls in a year with no published calendar is a 409 problem naming the year; nothing is stored", async () => {
    const id = await submit();
    h.clock.set("2026-12-28T10:00:00+08:00");
    const { body } = await h
      .when({ method: "POST", url: `/intake/applications/${id}/check`, as: clerk, body: { defects: [] } })
      .thenRefused(409);
    expect(body).toMatchObject({
      type: "https://gov-platform.example/problems/calendar-not-published",
      title: "Working-day calendar not published",
      detail: "no working-day calendar published for 2027",
      year: 2027,
    });
    expect(JSON.stringify(body)).not.toContain("caseNumber");
    await publishCalendar(h, [test2027]);
    await expect.poll(() => h.module.calendar.years().length).toBe(2);
    const accepting = await h
      .when({ method: "POST", url: `/intake/applications/${id}/check`, as: clerk, body: { defects: [] } })
      .thenAppended(200, serial, accepted);
    // 5 working days from 2026-12-28: 12-29, 12-30, 12-31, then 2027-01-04 and 01-05 (1/1–3 off).
    expect(accepting.events[1]?.data).toMatchObject({
      dueOn: "2027-01-05",
      calendarVersion: "2026.v1+2027.v1",
    });
  });

  it("moves the others on, and lists the stuck one for admins until it can proceed", async () => {
    const due = await submit();
    h.clock.set("2026-12-29T10:00:00+08:00");
    const stuck = await submit();
    h.clock.set("2027-01-15T09:00:00+08:00");
    const run = await h
      .when({ method: "POST", url: "/intake/scheduler/run", as: "admin", body: {} })
      .thenAppended(200, serial, { type: accepted, caseid: due });
    expect(run.body).toEqual({
      deemedAccepted: 1,
      terminated: 0,
      stuck: [
        {
          id: stuck,
          action: "DeemAccepted",
          error: "no working-day calendar published for 2027",
          problemType: "https://gov-platform.example/problems/calendar-not-published",
          since: "2027-01-15T01:00:00.000Z",
        },
      ],
    });
    // The application itself says that it waits, and why.
    expect((await get(`/intake/applications/${stuck}`)).json.waiting).toEqual({
      action: "DeemAccepted",
      reason: "no working-day calendar published for 2027",
      problemType: "https://gov-platform.example/problems/calendar-not-published",
      since: "2027-01-15T01:00:00.000Z",
    });
    await seen(due, "accepted");
    h.clock.set("2027-01-16T09:00:00+08:00");
    await post("/intake/scheduler/run", {}, { role: "system" });
    const listed = await get("/intake/scheduler", { role: "admin" });
    expect(listed.json).toEqual({
      lastRunAt: "2027-01-16T01:00:00.000Z",
      stuck: [expect.objectContaining({ id: stuck, since: "2027-01-15T01:00:00.000Z" })],
    });
    expect((await get("/intake/scheduler", clerk)).status).toBe(403);
    // Once 2027 is published, the next run moves it on and it no longer waits.
    await publishCalendar(h, [test2027]);
    await expect.poll(() => h.module.calendar.years().length).toBe(2);
    const moved = await post("/intake/scheduler/run", {}, { role: "system" });
    expect(moved.json()).toMatchObject({ deemedAccepted: 1, stuck: [] });
    await seen(stuck, "accepted");
    expect((await get(`/intake/applications/${stuck}`)).json.waiting).toBeUndefined();
  });
});

describe("intake API: bad input and roles", () => {
  beforeEach(() => open());

  it("rejects bad input with the fields named relative to the body, and stores nothing", async () => {
    await h
      .when({
        method: "POST",
        url: "/intake/applications",
        as: clerk,
        body: application(complete, { matterId: "no-such-matter" }),
      })
      .thenRefused(404)
      .then(({ body }) => expect(JSON.stringify(body)).toContain("no published matter"));
    for (const [applicant, field] of [
      [{ kind: "organisation", creditCode: "12345" }, "body.applicant.creditCode"],
      [{ kind: "person", idNumber: "110105194912310022" }, "body.applicant.idNumber"],
    ] as const) {
      const { body } = await h
        .when({
          method: "POST",
          url: "/intake/applications",
          as: clerk,
          body: application(complete, { applicant }),
        })
        .thenRefused(400, [field]);
      expect(JSON.stringify(body)).not.toContain("body.body");
    }
    await h
      .when({ method: "POST", url: "/intake/applications", as: clerk, body: application([file("X9")]) })
      .thenRefused(400, ["body.materials[0].materialId"]);
    await h
      .when({
        method: "POST",
        url: "/intake/applications",
        as: clerk,
        body: application(complete, { channel: "fax" }),
      })
      .thenRefused(400)
      .then(({ body }) => expect(JSON.stringify(body)).toContain("channel"));
    await h
      .when({
        method: "POST",
        url: "/intake/applications",
        as: clerk,
        body: { applicant: { kind: "person", idNumber: "110105194912310021" } },
      })
      .thenRefused(400)
      .then(({ body }) => expect(JSON.stringify(body)).toContain("matterId"));
  });

  it("lets applicants act only for themselves, clerks in their region, officers read their department's", async () => {
    await h
      .when({
        method: "POST",
        url: "/intake/applications",
        as: { role: "applicant", sub: "Osomebody-else" },
        body: application(),
      })
      .thenRefused(403);
    const own = await h
      .when({ method: "POST", url: "/intake/applications", as: applicantCaller, body: application() })
      .thenAppended(201, { type: submitted, actor: { id: SUBJECT, role: "applicant" } });
    const { id, position } = replyOf(own.body);
    expect((await get(`/intake/applications/${id}`, applicantCaller, position)).status).toBe(200);
    expect((await get(`/intake/applications/${id}`, { role: "applicant", sub: "Oother" })).status).toBe(403);
    expect((await get(`/intake/applications/${id}`, { role: "window-clerk", region: "440200" })).status).toBe(
      403,
    );
    expect(
      (
        await get(`/intake/applications/${id}`, {
          role: "officer",
          department: hygieneMatter.department.creditCode,
        })
      ).status,
    ).toBe(200);
    await h
      .when({ method: "POST", url: `/intake/applications/${id}/check`, as: "officer", body: {} })
      .thenRefused(403);
    await h
      .when({ method: "POST", url: `/intake/applications/${id}/check`, as: applicantCaller, body: {} })
      .thenRefused(403);
    await h.when({ method: "GET", url: `/intake/applications/${id}` }).thenRefused(401);
  });

  it("refuses free text holding an ID number or a mobile number, naming the field and where such data belongs; stores nothing (个人信息保护法 第五十一条)", async () => {
    const id = await submit();
    const idNumber = "11010519491231002X";
    for (const [path, body, field] of [
      [
        "check",
        { defects: [{ materialId: "M01", note: "请致电 138 0013 8000 补正" }] },
        "body.defects.0.note",
      ],
      [
        "reject",
        { reason: `申请人 ${idNumber} 不符合条件`, legalBasis: "行政许可法 第三十二条" },
        "body.reason",
      ],
      ["reject", { reason: "不属于本机关职权范围", legalBasis: "联系人13800138000" }, "body.legalBasis"],
      ["withdraw", { reason: `本人（身份证 ${idNumber}）撤回` }, "body.reason"],
    ] as const) {
      const { body: problem } = await h
        .when({ method: "POST", url: `/intake/applications/${id}/${path}`, as: clerk, body })
        .thenRefused(400, [field]);
      const text = JSON.stringify(problem);
      expect(text).toContain("structured applicant fields");
      expect(text).not.toContain(idNumber);
      expect(text).not.toContain("13800138000");
    }
    // The same fields without personal data go through.
    await h
      .when({
        method: "POST",
        url: `/intake/applications/${id}/withdraw`,
        as: clerk,
        body: { reason: "不再需要" },
      })
      .thenAppended(200, "gov.intake.application.withdrawn.v1");
  });

  it("answers a conflict with 409 (a supplement with no notice open) and an unknown application with 404", async () => {
    const id = await submit();
    await h
      .when({
        method: "POST",
        url: `/intake/applications/${id}/supplement`,
        as: clerk,
        body: { materials: [file("M03")] },
      })
      .thenRefused(409);
    expect((await get("/intake/applications/Anope")).status).toBe(404);
  });
});

describe("intake API: 国发〔2022〕5号 (government-held materials, 容缺 on a signed promise), who did what, and 一窗分类受理率", () => {
  beforeEach(() => open());
  const withoutLicence = complete.filter((m) => m.materialId !== "LIC");

  it("accepts without the 营业执照: the view records it as obtained by the implementing department (部门间共享)", async () => {
    const id = await submit(withoutLicence);
    const checked = await h
      .when({ method: "POST", url: `/intake/applications/${id}/check`, as: clerk, body: {} })
      .thenAppended(200, serial, accepted);
    const view = await get(`/intake/applications/${id}`, clerk, replyOf(checked.body).position);
    expect(view.json.accepted.mode).toBe("complete");
    expect(view.json.materials).toContainEqual({
      materialId: "LIC",
      provision: "obtained-by-department",
      obtainedBy: hygieneMatter.department,
      certificateType: "营业执照",
    });
  });

  it("容缺受理 needs the applicant's signed promise (国发〔2022〕5号; 西安市《容缺受理服务模式解释说明》): 400 naming body.deferralPromise without it; recorded on the acceptance with it", async () => {
    const id = await submit(complete.filter((m) => m.materialId !== "M04"));
    await h
      .when({ method: "POST", url: `/intake/applications/${id}/check`, as: clerk, body: {} })
      .thenRefused(400, ["body.deferralPromise"]);
    const deferralPromise = {
      materialIds: ["M04"],
      supplyBy: "2026-10-09",
      signature: {
        file: { uri: "s3://uploads/promise.pdf", sha256: "d".repeat(64) },
        signedAt: "2026-09-29T09:50:00+08:00",
        signedBy: SUBJECT,
      },
    };
    await h
      .when({
        method: "POST",
        url: `/intake/applications/${id}/check`,
        as: clerk,
        body: {
          deferralPromise: {
            ...deferralPromise,
            signature: { ...deferralPromise.signature, signedBy: "张三" },
          },
        },
      })
      .thenRefused(400, ["body.deferralPromise.signature.signedBy"]);
    const checked = await h
      .when({ method: "POST", url: `/intake/applications/${id}/check`, as: clerk, body: { deferralPromise } })
      .thenAppended(200, serial, accepted);
    expect(checked.events[1]?.data).toMatchObject({
      mode: "deferred-materials",
      deferred: { materialIds: ["M04"], supplyBy: "2026-10-09", promise: deferralPromise },
    });
  });

  it("the history names who caused each event: id, role and department", async () => {
    const officeClerk: TestCaller = {
      role: "window-clerk",
      region: "330100",
      department: "11330100002490234Q",
    };
    const { body } = await h
      .when({ method: "POST", url: "/intake/applications", as: applicantCaller, body: application() })
      .thenAppended(201, submitted);
    const { id } = replyOf(body);
    const checked = await h
      .when({ method: "POST", url: `/intake/applications/${id}/check`, as: officeClerk, body: {} })
      .thenAppended(200, serial, accepted);
    const view = await get(`/intake/applications/${id}`, clerk, replyOf(checked.body).position);
    expect(view.json.history).toEqual([
      {
        type: submitted,
        time: expect.any(String),
        position: expect.any(String),
        actor: { id: SUBJECT, role: "applicant" },
      },
      {
        type: accepted,
        time: expect.any(String),
        position: replyOf(checked.body).position,
        actor: { id: "window-clerk-1", role: "window-clerk", department: "11330100002490234Q" },
      },
    ]);
  });

  it("一窗分类受理率 (韶关市 2019 通知, target 70%; 国办发〔2018〕45号): window applications over all, overall, per department and region", async () => {
    await submit();
    await submit();
    const { body } = await h
      .when({
        method: "POST",
        url: "/intake/applications",
        as: applicantCaller,
        body: application(complete, { channel: "online" }),
      })
      .thenAppended(201, submitted);
    const kpis = await get("/intake/kpis", { role: "regulator" }, replyOf(body).position);
    expect(kpis.status).toBe(200);
    const figure = { count: 2, total: 3, rate: 0.6667, target: { op: ">=", value: 0.7 }, met: false };
    expect(kpis.json).toEqual({
      overall: figure,
      byDepartment: [{ department: hygieneMatter.department, oneWindow: figure }],
      byRegion: [{ region: "330100", oneWindow: figure }],
    });
    for (const caller of [
      clerk,
      { role: "officer", department: hygieneMatter.department.creditCode },
      { role: "auditor" },
      { role: "admin" },
    ] as const)
      expect((await get("/intake/kpis", caller)).status, caller.role).toBe(200);
    expect((await get("/intake/kpis", applicantCaller)).status).toBe(403);
  });
});

describe('intake API: a "一件事" bundle whose members depend on each other (BundlePublished.dependencies)', () => {
  beforeEach(() => open());

  it("the dependent case awaits the producing case's result and is not accepted; the independent one runs; the bundle view shows who waits for whom", async () => {
    await publishMatter(h, hygieneElements, "producer-matter");
    await publishBundle(
      h,
      "open-a-shop",
      ["producer-matter", hygieneMatter.matterId],
      [{ matterId: hygieneMatter.matterId, materialId: "LIC", producedBy: "producer-matter" }],
    );
    // Intake's copy of the catalog keeps the dependencies.
    await expect
      .poll(async () => (await h.module.matters.bundle("open-a-shop"))?.dependencies)
      .toEqual([{ matterId: hygieneMatter.matterId, materialId: "LIC", producedBy: "producer-matter" }]);
    const files = ["M01", "M03", "M04"].flatMap((m) => [
      { ...file(m), materialId: `producer-matter:${m}` },
      { ...file(m), materialId: `${hygieneMatter.matterId}:${m}` },
    ]);
    const { body } = await h
      .when({
        method: "POST",
        url: "/intake/bundle-applications",
        as: clerk,
        body: {
          bundleId: "open-a-shop",
          applicant: { kind: "organisation", creditCode: CODE },
          channel: "window",
          materials: [...files, { materialId: "LIC", provision: "certificate", certificateId: "ZZ-1" }],
        },
      })
      .thenAppended(201, submitted, submitted);
    const reply = bundleCommandResult.parse(body);
    const [producer, dependent] = reply.applicationIds as [string, string];
    const bundle = await get(`/intake/bundle-applications/${reply.id}`, clerk, reply.position);
    expect(bundle.json.waits).toEqual([
      {
        applicationId: dependent,
        matterId: hygieneMatter.matterId,
        materialId: "LIC",
        waitsFor: { matterId: "producer-matter", applicationId: producer },
      },
    ]);
    const waiting = await get(`/intake/applications/${dependent}`);
    expect(waiting.json).toMatchObject({
      status: "awaiting-result",
      awaiting: [{ materialId: "LIC", producedBy: { matterId: "producer-matter", applicationId: producer } }],
    });
    expect(waiting.json.materials.filter((m: { materialId: string }) => m.materialId === "LIC")).toEqual([
      {
        materialId: "LIC",
        provision: "awaiting-result",
        producedBy: { matterId: "producer-matter", applicationId: producer },
      },
    ]);
    expect((await get("/intake/queue")).json.map((a: { applicationId: string }) => a.applicationId)).toEqual([
      producer,
    ]);
    const refused = await h
      .when({ method: "POST", url: `/intake/applications/${dependent}/check`, as: clerk, body: {} })
      .thenRefused(409);
    expect(JSON.stringify(refused.body)).toContain(producer);
    await h
      .when({ method: "POST", url: `/intake/applications/${producer}/check`, as: clerk, body: {} })
      .thenAppended(200, serial, accepted);
    expect(await h.module.applications.awaitingResultOf(producer)).toEqual([
      { applicationId: dependent, materialId: "LIC" },
    ]);
    await expect.poll(async () => (await model().bundle(reply.id))?.status).toBe("in-progress");
  });
});

describe("intake API: lists come in pages; the applications read model lives in SQL (docs/projections.md)", () => {
  beforeEach(() => open());
  const ids = (json: { applicationId: string }[]) => json.map((a) => a.applicationId);

  it("pages the window's queue with limit and the next-cursor, in the order of the whole queue", async () => {
    const submittedIds: string[] = [];
    for (let i = 0; i < 5; i++) submittedIds.push(await submit());
    const whole = await h.request({ method: "GET", url: "/intake/queue", as: clerk });
    expect(whole.headers["next-cursor"]).toBeUndefined();
    expect(ids(whole.json())).toEqual(submittedIds);
    const pages: string[][] = [];
    let url: string | undefined = "/intake/queue?limit=2";
    while (url) {
      const res = await h.request({ method: "GET", url, as: clerk });
      expect(res.statusCode).toBe(200);
      pages.push(ids(res.json()));
      const next = res.headers["next-cursor"] as string | undefined;
      if (next) expect(res.headers.link).toContain(`after=${next}`);
      url = next ? `/intake/queue?limit=2&after=${next}` : undefined;
    }
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(submittedIds);
  });

  it("bounds the page size (at most 200) and refuses a cursor it did not give, naming the field", async () => {
    await h
      .when({ method: "GET", url: "/intake/queue?limit=201", as: clerk })
      .thenRefused(400, ["query.limit"]);
    await h
      .when({ method: "GET", url: "/intake/queue?limit=0", as: clerk })
      .thenRefused(400, ["query.limit"]);
    await h
      .when({ method: "GET", url: "/intake/queue?after=bm90LWEtY3Vyc29y", as: clerk })
      .thenRefused(400, ["query.after"]);
    await h
      .when({ method: "GET", url: "/intake/applications", as: clerk })
      .thenRefused(400, ["query.caseNumber"]);
  });

  it("finds applications by case number and by applicant, within what the caller may see", async () => {
    const a = await submit();
    const b = await submit();
    const checked = replyOf((await post(`/intake/applications/${a}/check`, {})).json());
    const caseNumber = checked.caseNumber as string;
    const byCase = await get(`/intake/applications?caseNumber=${caseNumber}`, clerk, checked.position);
    expect(byCase.status).toBe(200);
    expect(ids(byCase.json)).toEqual([a]);
    const mine = await get(`/intake/applications?subjectId=${SUBJECT}&limit=1`, applicantCaller);
    expect(ids(mine.json)).toEqual([a]);
    const all = await get(`/intake/applications?subjectId=${SUBJECT}`, applicantCaller);
    expect(ids(all.json)).toEqual([a, b]);
    const elsewhere = await get(`/intake/applications?caseNumber=${caseNumber}`, {
      role: "window-clerk",
      region: "110100",
    });
    expect(elsewhere.json).toEqual([]);
    const stranger = await get(`/intake/applications?subjectId=${SUBJECT}`, {
      role: "applicant",
      sub: "O91110000000000000",
    });
    expect(stranger.json).toEqual([]);
  });

  it("a blue/green rebuild of the SQL read model equals the live one, and the routes answer through the switch", async () => {
    const a = await submit();
    await submit([file("M01")]);
    await post(`/intake/applications/${a}/check`, {});
    await seen(a, "accepted");
    const live = await h.module.applications.snapshot();
    const before = h.module.projection.activeBuild;
    const green = await h.module.projection.rebuild();
    let answered = 0;
    do {
      const res = await h.request({ method: "GET", url: `/intake/applications/${a}`, as: clerk });
      expect(res.statusCode).toBe(200);
      answered++;
      await h.module.projection.reconcile();
    } while (h.module.projection.activeBuild === before);
    expect(h.module.projection.activeBuild).toBe(green);
    expect(answered).toBeGreaterThan(0);
    expect(await h.module.applications.snapshot()).toEqual(live);
    expect(rebuiltKpis(await get("/intake/kpis"))).toEqual({ total: 2 });
  });
});

const rebuiltKpis = (r: { json: { overall: { total: number } } }) => ({ total: r.json.overall.total });
