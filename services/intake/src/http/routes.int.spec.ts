import { rebuildMemoryModel } from "@gov/eventsourcing";
import { useBackend } from "@gov/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hygieneMatter } from "../domain/fixtures.ts";
import { ApplicationsModel } from "../read-models/applications.ts";
import { intakeTestApp } from "../test-support.ts";

useBackend("sqlite", "intake HTTP API (sqlite)", true);

const CODE = "91330106MA2H3K7P1E";
const SUBJECT = `O${CODE}`;
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

let h: Awaited<ReturnType<typeof intakeTestApp>>;
beforeEach(async () => {
  h = await intakeTestApp();
  await h.publishMatter();
  await expect.poll(() => h.module.matters.size).toBe(1);
});
afterEach(async () => {
  await h.dispose();
});

const clerk = () => h.as("window-clerk", { region: "330100" });
const post = async (url: string, payload: object, headers?: Record<string, string>) =>
  h.app.inject({ method: "POST", url, payload, headers: headers ?? (await clerk()) });
const get = async (url: string, headers?: Record<string, string>) =>
  h.app.inject({ method: "GET", url, headers: headers ?? (await clerk()) });
const seen = async (id: string, status: string) =>
  expect.poll(() => h.module.applications.get(id)?.status).toBe(status);

describe("intake API: from submission to acceptance (domain brief §2)", () => {
  it("a window clerk submits a complete application; the check accepts it with a case number and a due date", async () => {
    const submitted = await post("/intake/applications", application());
    expect(submitted.statusCode).toBe(201);
    const { applicationId } = submitted.json();
    await seen(applicationId, "submitted");
    expect(
      (await get("/intake/queue")).json().map((a: { applicationId: string }) => a.applicationId),
    ).toEqual([applicationId]);
    const checked = await post(`/intake/applications/${applicationId}/check`, { defects: [] });
    expect(checked.statusCode).toBe(200);
    expect(checked.json().caseNumber).toBe(`${hygieneMatter.implementationCode}202609290001`);
    await seen(applicationId, "accepted");
    const view = (await get(`/intake/applications/${applicationId}`)).json();
    expect(view.accepted).toMatchObject({ mode: "complete", acceptedOn: "2026-09-29", dueOn: "2026-10-12" });
    expect((await get("/intake/queue")).json()).toEqual([]);
  });

  it("an incomplete application gets one notice; the applicant supplements; the next check accepts", async () => {
    const { applicationId } = (
      await post("/intake/applications", application([file("M01"), file("M04")]))
    ).json();
    const notice = await post(`/intake/applications/${applicationId}/check`, {});
    expect(notice.json().events).toEqual([{ type: "CorrectionRequested" }]);
    await seen(applicationId, "correction-requested");
    expect(
      (await get(`/intake/applications/${applicationId}`))
        .json()
        .notices[0].items.map((i: { materialId: string }) => i.materialId),
    ).toEqual(["LIC", "M03"]);
    const applicantHeaders = await h.as("applicant", { sub: SUBJECT });
    const supplement = await post(
      `/intake/applications/${applicationId}/supplement`,
      { materials: [{ materialId: "LIC", provision: "certificate", certificateId: "ZZ-1" }, file("M03")] },
      applicantHeaders,
    );
    expect(supplement.statusCode).toBe(200);
    await seen(applicationId, "supplemented");
    expect((await post(`/intake/applications/${applicationId}/check`, {})).json().events).toEqual([
      { type: "ApplicationAccepted" },
    ]);
  });

  it("refuses 告知承诺 to a black-listed (strict-review) applicant, and flags the application (credit gate)", async () => {
    await h.creditStatus(SUBJECT, "strict-review");
    await expect.poll(() => h.module.credit.of(SUBJECT).status).toBe("strict-review");
    const promising = complete.map((m) =>
      m.materialId === "M03" ? { materialId: "M03", provision: "promised" } : m,
    );
    const { applicationId } = (
      await post("/intake/applications", application(promising, { informedCommitmentRequested: true }))
    ).json();
    await seen(applicationId, "submitted");
    expect((await get(`/intake/applications/${applicationId}`)).json().flags).toEqual(["strict-review"]);
    await post(`/intake/applications/${applicationId}/check`, {});
    await seen(applicationId, "correction-requested");
    expect((await get(`/intake/applications/${applicationId}`)).json().notices[0].items).toEqual([
      expect.objectContaining({ materialId: "M03", problem: "promise-not-allowed" }),
    ]);
  });

  it("deems an application accepted on its day of receipt when no notice came within 5 working days (Art. 32)", async () => {
    const { applicationId } = (await post("/intake/applications", application())).json();
    await seen(applicationId, "submitted");
    h.clock.set("2026-10-12T18:00:00+08:00");
    expect((await post("/intake/scheduler/run", {}, await h.as("system"))).json()).toEqual({
      deemedAccepted: 0,
      terminated: 0,
    });
    h.clock.set("2026-10-13T09:00:00+08:00");
    expect((await post("/intake/scheduler/run", {}, await h.as("system"))).json()).toEqual({
      deemedAccepted: 1,
      terminated: 0,
    });
    await seen(applicationId, "accepted");
    expect((await get(`/intake/applications/${applicationId}`)).json().accepted).toMatchObject({
      mode: "deemed",
      acceptedOn: "2026-09-29",
      caseNumber: `${hygieneMatter.implementationCode}202609290001`,
    });
  });

  it("gives concurrent acceptances of one matter on one day distinct, gap-free serials", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 8; i++)
      ids.push((await post("/intake/applications", application())).json().applicationId);
    for (const id of ids) await seen(id, "submitted");
    const headers = await clerk();
    const results = await Promise.all(ids.map((id) => post(`/intake/applications/${id}/check`, {}, headers)));
    const serials = results.map((r) => r.json().caseNumber.slice(-4)).sort();
    expect(serials).toEqual(["0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008"]);
  });

  it("a rebuild of the applications from the log equals the live read model", async () => {
    const a = (await post("/intake/applications", application())).json().applicationId;
    const b = (await post("/intake/applications", application([file("M01")]))).json().applicationId;
    await seen(a, "submitted");
    await seen(b, "submitted");
    await post(`/intake/applications/${a}/check`, {});
    await post(`/intake/applications/${b}/check`, {});
    await seen(b, "correction-requested");
    await seen(a, "accepted");
    const rebuilt = await rebuildMemoryModel(h.store, ["application"], new ApplicationsModel());
    expect(rebuilt.snapshot()).toEqual(h.module.applications.snapshot());
  });
});

describe("intake API: bad input and roles", () => {
  it("rejects bad input with the fields named, and stores nothing", async () => {
    const before = (await h.newEvents()).length;
    const cases: [object, string, number][] = [
      [application(complete, { matterId: "no-such-matter" }), "no published matter", 404],
      [
        application(complete, { applicant: { kind: "organisation", creditCode: "12345" } }),
        "body.applicant.creditCode",
        400,
      ],
      [application([file("X9")]), "body.materials[0].materialId", 400],
      [application(complete, { channel: "fax" }), "channel", 400],
      [{ applicant: { kind: "person", idNumber: "110105194912310021" } }, "matterId", 400],
    ];
    for (const [payload, expected, status] of cases) {
      const res = await post("/intake/applications", payload);
      expect(res.statusCode, expected).toBe(status);
      expect(JSON.stringify(res.json())).toContain(expected);
    }
    expect((await h.newEvents()).length).toBe(before);
  });

  it("lets applicants act only for themselves, clerks in their region, officers read their department's", async () => {
    const forOther = await post(
      "/intake/applications",
      application(),
      await h.as("applicant", { sub: "Osomebody-else" }),
    );
    expect(forOther.statusCode).toBe(403);
    const own = await post("/intake/applications", application(), await h.as("applicant", { sub: SUBJECT }));
    expect(own.statusCode).toBe(201);
    const { applicationId } = own.json();
    await seen(applicationId, "submitted");
    expect(
      (await get(`/intake/applications/${applicationId}`, await h.as("applicant", { sub: SUBJECT })))
        .statusCode,
    ).toBe(200);
    expect(
      (await get(`/intake/applications/${applicationId}`, await h.as("applicant", { sub: "Oother" })))
        .statusCode,
    ).toBe(403);
    expect(
      (await get(`/intake/applications/${applicationId}`, await h.as("window-clerk", { region: "440200" })))
        .statusCode,
    ).toBe(403);
    expect(
      (
        await get(
          `/intake/applications/${applicationId}`,
          await h.as("officer", { department: hygieneMatter.department.creditCode }),
        )
      ).statusCode,
    ).toBe(200);
    expect(
      (await post(`/intake/applications/${applicationId}/check`, {}, await h.as("officer"))).statusCode,
    ).toBe(403);
    expect(
      (
        await post(
          `/intake/applications/${applicationId}/check`,
          {},
          await h.as("applicant", { sub: SUBJECT }),
        )
      ).statusCode,
    ).toBe(403);
    expect(
      (await h.app.inject({ method: "GET", url: `/intake/applications/${applicationId}` })).statusCode,
    ).toBe(401);
  });

  it("answers a conflict with 409 (a supplement with no notice open) and an unknown application with 404", async () => {
    const { applicationId } = (await post("/intake/applications", application())).json();
    await seen(applicationId, "submitted");
    expect(
      (await post(`/intake/applications/${applicationId}/supplement`, { materials: [file("M03")] }))
        .statusCode,
    ).toBe(409);
    expect((await get("/intake/applications/Anope")).statusCode).toBe(404);
  });
});
