import type { MatterElements } from "@gov/contracts";
import type { Role } from "@gov/service-kit";
import { expect, it } from "vitest";

const WAIT = { timeout: 30_000, interval: 200 };

/** What the approval scenarios use of the suite they run in (scenarios.ts): its helpers, ids and fixtures. */
export interface ApprovalScenarioContext {
  call: (
    method: string,
    path: string,
    role: Role,
    body?: object,
    extra?: Record<string, string>,
    // biome-ignore lint/suspicious/noExplicitAny: responses are checked field by field by the assertions
  ) => Promise<{ status: number; json: any }>;
  submit: (body: object) => Promise<string>;
  check: (id: string, body?: object) => Promise<{ status: number; json: { events?: unknown[] } }>;
  forMatter: (materials: object[], applicant?: string, extra?: object) => object & { matterId: string };
  complete: object[];
  ids: Record<string, string>;
  elements: MatterElements;
  tag: string;
  goodCompany: string;
}

/**
 * The approval half of the lifecycle on the same platform (行政许可法 第三十八条, 第四十二条, 第四十四条, 第四十五条):
 * an accepted application becomes a case that officers work to 准予 and a sealed certificate; a pause and its
 * resumption; an extension; 秒批 from submission to certificate; a refusal; a bundle's cases in parallel; and a
 * 吊销 reaching credit as a proposed black-list entry.
 */
export function approvalScenarios(s: () => ApprovalScenarioContext) {
  const dept = () => s().elements.implementingDepartment.creditCode;
  const officer = (method: string, path: string, body?: object) =>
    s().call(method, path, "officer", body, { department: dept() });
  const head = (method: string, path: string, body?: object) =>
    s().call(method, path, "department-head", body, { department: dept() });
  const caseView = async (id: string) => (await officer("GET", `/approval/cases/${id}`)).json;
  const opened = (id: string) =>
    expect.poll(async () => (await officer("GET", `/approval/cases/${id}`)).status, WAIT).toBe(200);
  const workSteps = async (id: string, recommendation: "approve" | "refuse") => {
    const steps = (await caseView(id)).steps as unknown[];
    for (let i = 0; i < steps.length; i++) {
      expect((await officer("POST", `/approval/cases/${id}/steps/${i}/claim`)).status).toBe(200);
      const done = await officer("POST", `/approval/cases/${id}/steps/${i}/complete`, {
        opinion: "审查意见",
        recommendation,
      });
      expect(done.status, JSON.stringify(done.json)).toBe(200);
    }
  };

  it("approval: an accepted application is a case worked to 准予, with a sealed certificate anyone can verify", async () => {
    const id = s().ids.complete as string;
    await opened(id);
    expect(
      (
        await s().call("GET", `/approval/cases/${id}`, "officer", undefined, {
          department: "11330100002489129R",
        })
      ).status,
    ).toBe(403);
    await workSteps(id, "approve");
    const decided = await head("POST", `/approval/cases/${id}/decision`, { outcome: "approved" });
    expect(decided.status, JSON.stringify(decided.json)).toBe(200);
    const no = decided.json.certificateNo as string;
    const cert = await officer("GET", `/approval/certificates/${no}`);
    expect(cert.status).toBe(200);
    expect(cert.json.signed.seal.algorithm).toBe("SM2-SM3");
    const verified = await fetchVerify(s, cert.json.signed);
    expect(verified).toMatchObject({ authentic: true, inForce: true });
    s().ids.permit = cert.json.certificate.permitId;
  });

  it("approval: 特别程序 pauses the clock and its end resumes it; a department head extends the limit once", async () => {
    const id = s().ids.incomplete as string;
    await opened(id);
    const today = (await caseView(id)).clock;
    const start = await officer("POST", `/approval/cases/${id}/procedures`, {
      procedureId: "P1",
      procedure: "expert-review",
      startedOn: (await caseView(id)).acceptedOn,
      expectedEndOn: "2026-12-31",
      legalBasis: "《中华人民共和国行政许可法》第四十五条",
      notice: "需组织专家评审，所需时间不计算在审批期限内",
    });
    expect(start.status, JSON.stringify(start.json)).toBe(200);
    expect((await caseView(id)).clock.paused).toBe(true);
    expect(
      (
        await officer("POST", `/approval/cases/${id}/procedures`, {
          procedureId: "P2",
          procedure: "hearing",
          startedOn: "2026-12-21",
          expectedEndOn: "2026-12-22",
          legalBasis: "第四十五条",
          notice: "听证",
        })
      ).status,
    ).toBe(409);
    const end = await officer("POST", `/approval/cases/${id}/procedures/P1/end`, {
      endedOn: (await caseView(id)).acceptedOn,
    });
    expect(end.status, JSON.stringify(end.json)).toBe(200);
    expect((await caseView(id)).clock.paused).toBe(false);
    expect((await officer("POST", `/approval/cases/${id}/extension`, { reason: "情况复杂" })).status).toBe(
      403,
    );
    expect((await head("POST", `/approval/cases/${id}/extension`, { reason: "情况复杂" })).status).toBe(200);
    expect((await caseView(id)).clock.limitDays).toBe(today.limitDays + 10);
  });

  it("approval: 不予 carries its reason, basis and the applicant's rights", async () => {
    const id = s().ids.supplied as string;
    await opened(id);
    await workSteps(id, "refuse");
    const refused = await head("POST", `/approval/cases/${id}/decision`, {
      outcome: "refused",
      reason: "现场核查不符合卫生要求",
      legalBasis: "《公共场所卫生管理条例》第八条",
    });
    expect(refused.status, JSON.stringify(refused.json)).toBe(200);
    expect((await caseView(id)).decision.rightsNotice).toMatchObject({
      reconsiderationDays: 60,
      litigationMonths: 6,
    });
  });

  it("approval: a bundle's cases run in parallel and the bundle is complete when each is decided", async () => {
    const bundle = await s().call(
      "GET",
      `/intake/bundle-applications/${s().ids.bundle}`,
      "window-clerk",
      undefined,
      { region: s().elements.region },
    );
    const caseIds = (bundle.json.cases as { applicationId: string }[]).map((c) => c.applicationId);
    for (const id of caseIds) await opened(id);
    const first = caseIds[0] as string;
    const progress = async () => (await officer("GET", `/approval/bundles/${s().ids.bundle}`)).json;
    expect((await progress()).cases).toHaveLength(caseIds.length);
    expect((await caseView(first)).clock.limitDays).toBe(45);
    for (const id of caseIds) {
      await workSteps(id, "approve");
      expect((await head("POST", `/approval/cases/${id}/decision`, { outcome: "approved" })).status).toBe(
        200,
      );
    }
    await expect.poll(async () => (await progress()).complete, WAIT).toBe(true);
  });

  it("approval: 秒批 from submission to certificate, with no officer", async () => {
    const matterId = `quick-${s().tag}`;
    const elements: MatterElements = {
      ...s().elements,
      name: "公共场所卫生许可（秒批）",
      basicCode: "000123007002",
      implementationCode: `${dept()}3000123007002`,
      allowsAutoApproval: true,
      autoApprovalRules: {
        noDeferredMaterials: true,
        allMaterialsProvided: true,
        applicantKinds: ["organisation"],
        excludeStrictReview: true,
      },
    };
    expect((await s().call("POST", "/matters/", "admin", { matterId, elements })).status).toBe(201);
    expect((await officer("POST", `/matters/${matterId}/claim`)).status).toBe(200);
    expect((await s().call("POST", `/matters/${matterId}/publish`, "admin", {})).status).toBe(200);
    let id = "";
    await expect
      .poll(async () => {
        const r = await s().call(
          "POST",
          "/intake/applications",
          "window-clerk",
          { ...s().forMatter(s().complete), matterId },
          { region: s().elements.region },
        );
        if (r.status === 201) id = r.json.id;
        return r.status;
      }, WAIT)
      .toBe(201);
    expect((await s().check(id)).json.events).toEqual([{ type: "ApplicationAccepted" }]);
    await opened(id);
    const assessed = (await caseView(id)).autoApproval;
    expect(assessed, JSON.stringify(assessed)).toMatchObject({ eligible: true });
    await expect
      .poll(async () => (await caseView(id))?.certificate?.certificateNo, WAIT)
      .toBe(`PMT-${id}-01`);
    expect((await caseView(id)).decision).toMatchObject({ outcome: "approved", auto: true });
  });

  it("approval: 吊销 publishes PermitRevoked, which reaches credit as a proposed entry", async () => {
    const permitId = s().ids.permit as string;
    const revoked = await head("POST", `/approval/permits/${permitId}/revoke`, {
      reason: "严重违反卫生规定",
      legalBasis: "《公共场所卫生管理条例》第十八条",
      penaltyDecision: `卫罚〔2026〕${s().tag}号`,
    });
    expect(revoked.status, JSON.stringify(revoked.json)).toBe(200);
    await expect
      .poll(
        async () =>
          (
            (await s().call("GET", `/credit/subjects/O${s().goodCompany}`, "credit-admin")).json?.listings ??
            []
          ).some((l: { reason?: string }) => l.reason?.includes("吊销")),
        WAIT,
      )
      .toBe(true);
  });
}

async function fetchVerify(s: () => ApprovalScenarioContext, signed: unknown) {
  // The public route: no token (POST /approval/certificates/verify).
  const r = await s().call("POST", "/approval/certificates/verify", "applicant", signed as object);
  return r.json;
}
