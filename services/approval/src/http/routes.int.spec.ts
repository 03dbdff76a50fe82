import { seedCalendar } from "@gov/calendar";
import { serviceTestApp, type TestCaller } from "@gov/runtime/testing";
import { DEVELOPMENT_SEAL_PASSPHRASE, FileKeyring } from "@gov/seal";
import { tempDir, useBackend } from "@gov/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalModule } from "../module.ts";
import { reactToApplication } from "../reactions/acceptance.ts";
import {
  accept,
  acceptanceEvent,
  accepted,
  autoRules,
  elements,
  eventually,
  finding,
  MARKET,
  ORG,
  publishMatter,
} from "./test-fixtures.ts";

/**
 * The approval routes end to end on a real SQLite store and the embedded bus: a case opened from intake's
 * acceptance, worked through its steps to 准予, its certificate sealed (SM2/SM3) and verified; 秒批; refusal;
 * conflicts; another department's 403; bad input naming the field and storing nothing.
 */
useBackend("sqlite", "approval routes (sqlite)", true);

const officer: TestCaller = { role: "officer", sub: "officer-1", department: MARKET.creditCode };
const colleague: TestCaller = { role: "officer", sub: "officer-2", department: MARKET.creditCode };
const head: TestCaller = { role: "department-head", sub: "head-1", department: MARKET.creditCode };
const stranger: TestCaller = { role: "officer", sub: "officer-9", department: "11330100002489129R" };

interface CertificateBody {
  signed: { document: { scope: string }; seal: { algorithm: string } };
  status: unknown;
}

let h: Awaited<ReturnType<typeof setup>>;
const silent = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} } as never;
const keyDir = tempDir("approval-keys-");
const setup = () =>
  serviceTestApp(
    (deps) =>
      approvalModule(deps, {
        calendar: () => seedCalendar(),
        keyring: FileKeyring.open({
          directory: keyDir,
          passphrase: DEVELOPMENT_SEAL_PASSPHRASE,
          nodeEnv: "test",
        }),
      }),
    { start: "2026-03-02T10:00:00+08:00" },
  );

beforeAll(async () => {
  h = await setup();
  await publishMatter(h, "food", elements());
  await publishMatter(
    h,
    "seal-filing",
    elements({
      name: "印章刻制备案",
      processSteps: [{ name: "受理并备案" }],
      allowsAutoApproval: true,
      autoApprovalRules: autoRules,
    }),
  );
});
afterAll(async () => h?.dispose());

const get = async (url: string, as: TestCaller | "applicant" | "auditor" = officer) =>
  h.request({ method: "GET", url, as });
const post = (url: string, body: unknown, as: TestCaller = officer) =>
  h.request({ method: "POST", url, as, body });
const caseOf = (id: string) => eventually(() => h.module.model.caseFile(id), `case ${id}`);

describe("a case from acceptance to certificate (行政许可法 第三十二条, 第三十八条, 第四十四条)", () => {
  it("opens one case per accepted application, once, and shows it in the department's inbox", async () => {
    await accept(h, accepted("CASE-1", "food"));
    const c = await caseOf("CASE-1");
    expect(c.opened.clock).toMatchObject({ limitDays: 5, dueOn: "2026-03-09" });
    // Redelivery: the same recorded acceptance handed to the reaction again appends nothing.
    const [recorded] = await h.store.readStream("application-CASE-1");
    const before = (await h.store.readAll({ limit: 100_000 })).events.length;
    await h.module.react(recorded as never);
    await h.module.react(recorded as never);
    expect((await h.store.readAll({ limit: 100_000 })).events.length).toBe(before);
    const inbox = await get("/approval/inbox");
    expect(inbox.statusCode).toBe(200);
    expect(inbox.json()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ caseId: "CASE-1", step: expect.objectContaining({ name: "承办" }) }),
      ]),
    );
    expect((await get("/approval/inbox", { role: "officer" })).statusCode).toBe(403);
  });

  it("another department gets 403 on every action; bad input names the field and stores nothing", async () => {
    await h
      .when({ method: "POST", url: "/approval/cases/CASE-1/steps/0/claim", as: stranger })
      .thenRefused(403);
    await h.when({ method: "GET", url: "/approval/cases/CASE-1", as: stranger }).thenRefused(403);
    await h
      .when({
        method: "POST",
        url: "/approval/cases/CASE-1/steps/0/complete",
        as: officer,
        body: { opinion: "", recommendation: "maybe" },
      })
      .thenRefused(400, ["body.opinion", "body.recommendation"]);
    await h
      .when({
        method: "POST",
        url: "/approval/cases/CASE-1/decision",
        as: head,
        body: { outcome: "approved" },
      })
      .thenRefused(409);
  });

  it("steps: claim, 转办, 退回, complete; the case view shows steps and clock", async () => {
    await h
      .when({ method: "POST", url: "/approval/cases/CASE-1/steps/0/claim", as: officer })
      .thenAppended(200, "gov.approval.case.step-claimed.v1");
    await h
      .when({ method: "POST", url: "/approval/cases/CASE-1/steps/0/claim", as: colleague })
      .thenRefused(409);
    await h
      .when({
        method: "POST",
        url: "/approval/cases/CASE-1/steps/0/reassign",
        as: officer,
        body: { toOfficerId: "officer-2", reason: "休假" },
      })
      .thenAppended(200, "gov.approval.case.step-reassigned.v1");
    await h
      .when({
        method: "POST",
        url: "/approval/cases/CASE-1/steps/0/complete",
        as: colleague,
        body: { opinion: "材料齐全", recommendation: "approve" },
      })
      .thenAppended(200, "gov.approval.case.step-completed.v1");
    await h
      .when({ method: "POST", url: "/approval/cases/CASE-1/steps/1/claim", as: officer })
      .thenAppended(200, "gov.approval.case.step-claimed.v1");
    await h
      .when({
        method: "POST",
        url: "/approval/cases/CASE-1/steps/1/return",
        as: officer,
        body: { reason: "核查意见不完整" },
      })
      .thenAppended(200, "gov.approval.case.step-returned.v1");
    for (const i of [0, 1, 2]) {
      const by = i === 0 ? colleague : officer;
      await post(`/approval/cases/CASE-1/steps/${i}/claim`, undefined, by);
      const r = await post(
        `/approval/cases/CASE-1/steps/${i}/complete`,
        { opinion: "同意", recommendation: "approve" },
        by,
      );
      expect(r.statusCode, r.body).toBe(200);
    }
    const view = await eventually(async () => {
      const r = await get("/approval/cases/CASE-1");
      const body = r.json() as { clock: unknown; steps: { status: string }[] };
      return body.steps?.every((s) => s.status === "done") ? body : undefined;
    }, "steps done");
    expect(view.clock).toMatchObject({
      usedDays: 0,
      leftDays: 5,
      dueOn: "2026-03-09",
      paused: false,
      flag: "green",
    });
  });

  it("特别程序 pauses the clock; an unclosed one is a 409 (第四十五条)", async () => {
    await accept(h, accepted("CASE-2", "food"));
    await caseOf("CASE-2");
    const start = {
      procedureId: "P1",
      procedure: "expert-review",
      startedOn: "2026-03-02",
      expectedEndOn: "2026-03-04",
      legalBasis: "行政许可法 第四十五条",
      notice: "需专家评审，所需时间不计算在期限内",
    };
    await h
      .when({ method: "POST", url: "/approval/cases/CASE-2/procedures", as: officer, body: start })
      .thenAppended(200, "gov.approval.case.special-procedure-started.v1");
    await h
      .when({
        method: "POST",
        url: "/approval/cases/CASE-2/procedures",
        as: officer,
        body: { ...start, procedureId: "P2" },
      })
      .thenRefused(409);
    const ended = await h
      .when({
        method: "POST",
        url: "/approval/cases/CASE-2/procedures/P1/end",
        as: officer,
        body: { endedOn: "2026-03-03" },
      })
      .thenAppended(200, "gov.approval.case.special-procedure-ended.v1");
    // Two working days (Mon 2, Tue 3 March) excluded: due Mon 9 → Wed 11 March.
    expect(ended.events[0]?.data).toMatchObject({ daysExcluded: 2, dueOn: "2026-03-11" });
    await h
      .when({
        method: "POST",
        url: "/approval/cases/CASE-2/extension",
        as: officer,
        body: { reason: "复杂" },
      })
      .thenRefused(403);
    await h
      .when({
        method: "POST",
        url: "/approval/cases/CASE-2/extension",
        as: head,
        body: { reason: "情况复杂" },
      })
      .thenAppended(200, "gov.approval.case.extension-granted.v1");
    await h
      .when({ method: "POST", url: "/approval/cases/CASE-2/extension", as: head, body: { reason: "再次" } })
      .thenRefused(409);
  });

  it("准予 issues the certificate sealed with the department's key; it verifies, and one altered byte fails", async () => {
    const decided = await h
      .when({
        method: "POST",
        url: "/approval/cases/CASE-1/decision",
        as: head,
        body: { outcome: "approved" },
      })
      .thenAppended(
        200,
        "gov.approval.case.decided.v1",
        "gov.approval.permit.certificate-issued.v1",
        "gov.approval.permit.certificate-signed.v1",
        "gov.approval.case.certificate-issued.v1",
      );
    const no = (decided.body as { certificateNo: string }).certificateNo;
    expect(no).toBe("PMT-CASE-1-01");
    await h
      .when({ method: "POST", url: "/approval/cases/CASE-1/steps/0/claim", as: officer })
      .thenRefused(409);
    const cert = await eventually(async () => {
      const r = await get(`/approval/certificates/${no}`);
      return r.statusCode === 200 ? (r.json() as CertificateBody) : undefined;
    }, "certificate");
    expect(cert.signed.seal.algorithm).toBe("SM2-SM3");
    expect(cert.status).toEqual({ state: "in-force" });
    const ok = await h.request({ method: "POST", url: "/approval/certificates/verify", body: cert.signed });
    expect(ok.json()).toMatchObject({ authentic: true, inForce: true });
    const altered = {
      ...cert.signed,
      document: { ...cert.signed.document, scope: `${cert.signed.document.scope}.` },
    };
    const bad = await h.request({ method: "POST", url: "/approval/certificates/verify", body: altered });
    expect(bad.json()).toMatchObject({ authentic: false, failure: "bad-signature" });
    const pdf = await get(`/approval/certificates/${no}.pdf`);
    expect(pdf.headers["content-type"]).toContain("application/pdf");
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
    await h
      .when({
        method: "GET",
        url: `/approval/certificates/${no}`,
        as: { role: "applicant", sub: "O91330106MA2K5N9R4X" },
      })
      .thenRefused(403);
    expect(
      (await get(`/approval/certificates/${no}`, { role: "applicant", sub: ORG.subjectId })).statusCode,
    ).toBe(200);
    await h
      .when({
        method: "POST",
        url: `/approval/certificates/${no}/delivery`,
        as: officer,
        body: { method: "ems" },
      })
      .thenRefused(400, ["body.trackingNumber"]);
    await h
      .when({
        method: "POST",
        url: `/approval/certificates/${no}/delivery`,
        as: officer,
        body: { method: "ems", trackingNumber: "EA123456789CN" },
      })
      .thenAppended(200, "gov.approval.permit.certificate-delivered.v1");
  });

  it("a key rotation keeps old certificates verifying; a revoked certificate verifies as authentic but revoked (行政处罚法 第九条)", async () => {
    const cert = (await get("/approval/certificates/PMT-CASE-1-01")).json();
    h.clock.set("2026-03-02T11:00:00+08:00");
    h.module.keyring.rotate(MARKET.creditCode, h.clock.now());
    const after = await h.request({
      method: "POST",
      url: "/approval/certificates/verify",
      body: cert.signed,
    });
    expect(after.json()).toMatchObject({ authentic: true, inForce: true });
    await h
      .when({
        method: "POST",
        url: "/approval/permits/PMT-CASE-1/revoke",
        as: head,
        body: {
          reason: "严重违法",
          legalBasis: "《食品安全法》第一百三十五条",
          penaltyDecision: "杭市监罚〔2026〕1号",
        },
      })
      .thenAppended(200, "gov.approval.permit.revoked.v1");
    const revoked = await eventually(async () => {
      const r = await h.request({ method: "POST", url: "/approval/certificates/verify", body: cert.signed });
      return r.json().inForce === false ? r.json() : undefined;
    }, "revoked status");
    expect(revoked).toMatchObject({ authentic: true, inForce: false, status: { state: "revoked" } });
    await h
      .when({
        method: "POST",
        url: "/approval/permits/PMT-CASE-1/revoke",
        as: head,
        body: { reason: "x", legalBasis: "y", penaltyDecision: "z" },
      })
      .thenRefused(409);
  });
});

describe("秒批 (国发〔2022〕5号: 政务服务便利化)", () => {
  it("an eligible case is decided and its certificate issued and sealed in the same flow as acceptance", async () => {
    await accept(
      h,
      accepted("AUTO-1", "seal-filing", {
        matter: { ...accepted("x", "x").matter, matterId: "seal-filing", allowsAutoApproval: true },
      }),
    );
    const c = await eventually(async () => {
      const f = await h.module.model.caseFile("AUTO-1");
      return f?.certificate ? f : undefined;
    }, "auto certificate");
    expect(c.decision).toMatchObject({ outcome: "approved", auto: true });
    const cert = await h.module.model.certificate(c.certificate?.certificateNo ?? "");
    expect(cert?.certificate.signature?.algorithm).toBe("SM2-SM3");
  });

  it("killed between 发证 and 签章: the acceptance redelivered after the restart, an hour later, seals and records once (行政许可法 第四十四条)", async () => {
    // Approval's own reaction, handed the acceptance directly (as the bus would), so the test decides when it dies.
    const recorded = acceptanceEvent(
      accepted("AUTO-CRASH", "seal-filing", {
        matter: { ...accepted("x", "x").matter, matterId: "seal-filing", allowsAutoApproval: true },
      }),
    );
    // The first delivery, in a process that dies as it reaches the seal: case opened and decided, certificate issued.
    const m = h.module;
    const dying = {
      sign: () => {
        throw new Error("SIGKILL");
      },
    } as unknown as typeof m.keyring;
    const deps = { cases: m.cases, permits: m.permits, matters: m.matters, credit: m.credit, logger: silent };
    await expect(
      reactToApplication({ ...deps, keyring: dying }, recorded as never, "2026-03-02T10:00:00+08:00"),
    ).rejects.toThrow("SIGKILL");
    const types = async (stream: string) =>
      (await h.store.readStream(stream)).map((e) => e.type.split(".").slice(-2, -1)[0]);
    expect(await types("permit-PMT-AUTO-CRASH")).toEqual(["certificate-issued"]);
    // The restarted process gets the same event again, with its clock an hour on: it finishes the flow.
    await reactToApplication({ ...deps, keyring: m.keyring }, recorded as never, "2026-03-02T11:00:00+08:00");
    await reactToApplication({ ...deps, keyring: m.keyring }, recorded as never, "2026-03-02T12:00:00+08:00");
    expect(await types("permit-PMT-AUTO-CRASH")).toEqual(["certificate-issued", "certificate-signed"]);
    const caseEvents = await types("case-AUTO-CRASH");
    expect(caseEvents.filter((t) => t === "opened")).toHaveLength(1);
    expect(caseEvents.filter((t) => t === "decided")).toHaveLength(1);
    expect(caseEvents.filter((t) => t === "certificate-issued")).toHaveLength(1);
  });

  it("an ineligible case (容缺) falls back to the ordinary steps with the reasons recorded", async () => {
    await accept(
      h,
      accepted("AUTO-2", "seal-filing", {
        mode: "deferred-materials",
        matter: { ...accepted("x", "x").matter, matterId: "seal-filing", allowsAutoApproval: true },
      }),
    );
    const c = await eventually(() => h.module.model.caseFile("AUTO-2"), "case");
    expect(c.status).toBe("open");
    expect(c.autoApproval?.reasons.map((r) => r.rule)).toEqual(["acceptance-mode"]);
  });
});

describe("不予 and findings", () => {
  it("a refusal carries its reason, basis and the rights notice (行政许可法 第三十八条)", async () => {
    await accept(h, accepted("REF-1", "food"));
    await caseOf("REF-1");
    for (const i of [0, 1, 2]) {
      await post(`/approval/cases/REF-1/steps/${i}/claim`, undefined);
      await post(`/approval/cases/REF-1/steps/${i}/complete`, {
        opinion: "不符合",
        recommendation: "refuse",
      });
    }
    await h
      .when({ method: "POST", url: "/approval/cases/REF-1/decision", as: head, body: { outcome: "refused" } })
      .thenRefused(400, ["body.reason", "body.legalBasis"]);
    const r = await h
      .when({
        method: "POST",
        url: "/approval/cases/REF-1/decision",
        as: head,
        body: { outcome: "refused", reason: "经营场所不符合要求", legalBasis: "《食品安全法》第三十三条" },
      })
      .thenAppended(200, "gov.approval.case.decided.v1");
    expect(r.events[0]?.data).toMatchObject({
      rightsNotice: { reconsiderationDays: 60, litigationMonths: 6 },
    });
  });

  it("a serious ViolationFound on a permit opens a revocation for the department to decide", async () => {
    await accept(
      h,
      accepted("AUTO-3", "seal-filing", {
        matter: { ...accepted("x", "x").matter, matterId: "seal-filing", allowsAutoApproval: true },
      }),
    );
    await eventually(async () => (await h.module.model.caseFile("AUTO-3"))?.certificate, "certificate");
    await finding(h, {
      type: "ViolationFound",
      data: {
        findingId: "F1",
        subject: ORG,
        department: MARKET,
        legalBasis: "《食品安全法》第一百二十二条",
        description: "无证经营",
        foundOn: "2026-03-02",
        severity: "serious",
        penaltyDecision: "杭市监罚〔2026〕2号",
        permitId: "PMT-AUTO-3",
      },
    });
    const permit = await eventually(async () => {
      const p = await h.module.model.permit("PMT-AUTO-3");
      return p && Object.keys(p.proposals).length > 0 ? p : undefined;
    }, "proposal");
    expect(permit.proposals.F1).toMatchObject({ kind: "revoke", open: true });
  });
});

describe("告知承诺 found false (国办发〔2020〕42号)", () => {
  it("a FalsePromiseFound on a permit granted under 告知承诺 rescinds it (撤销) and publishes PermitRevoked for credit", async () => {
    await accept(h, accepted("PROM-1", "food", { mode: "informed-commitment" }));
    await caseOf("PROM-1");
    for (const i of [0, 1, 2]) {
      await post(`/approval/cases/PROM-1/steps/${i}/claim`, undefined);
      await post(`/approval/cases/PROM-1/steps/${i}/complete`, {
        opinion: "承诺核查通过",
        recommendation: "approve",
      });
    }
    expect((await post("/approval/cases/PROM-1/decision", { outcome: "approved" }, head)).statusCode).toBe(
      200,
    );
    await finding(h, {
      type: "FalsePromiseFound",
      data: {
        findingId: "F2",
        subject: ORG,
        department: MARKET,
        legalBasis: "《中华人民共和国行政许可法》第六十九条",
        description: "承诺的经营场所条件不实",
        foundOn: "2026-03-02",
        matterId: "food",
        permitId: "PMT-PROM-1",
      },
    });
    const permit = await eventually(async () => {
      const p = await h.module.model.permit("PMT-PROM-1");
      return p?.status === "rescinded" ? p : undefined;
    }, "rescinded");
    expect(permit.ended).toMatchObject({ how: "rescinded" });
    const stream = await h.store.readStream("permit-PMT-PROM-1");
    expect(stream.map((e) => e.type)).toContain("gov.approval.permit.revoked.v1");
  });
});

describe("the inbox in pages", () => {
  it("pages the department's inbox in its order of the day: limit, next-cursor, and a 400 for a foreign cursor", async () => {
    for (const id of ["PAGE-1", "PAGE-2", "PAGE-3"]) {
      await accept(h, accepted(id, "food"));
      await caseOf(id);
    }
    const whole = (await get("/approval/inbox?limit=200")).json() as { caseId: string }[];
    expect(whole.map((i) => i.caseId)).toEqual(expect.arrayContaining(["PAGE-1", "PAGE-2", "PAGE-3"]));
    // Walking the pages of two gives the same list, in the same order.
    const walked: string[] = [];
    let after: string | undefined;
    do {
      const page = await get(`/approval/inbox?limit=2${after ? `&after=${after}` : ""}`);
      expect(page.statusCode).toBe(200);
      const items = page.json() as { caseId: string }[];
      expect(items.length).toBeLessThanOrEqual(2);
      walked.push(...items.map((i) => i.caseId));
      after = page.headers["next-cursor"] as string | undefined;
    } while (after);
    expect(walked).toEqual(whole.map((i) => i.caseId));
    const foreign = await get(`/approval/inbox?after=${Buffer.from('["x"]').toString("base64url")}`);
    expect(foreign.statusCode).toBe(400);
    expect(foreign.body).toContain("query.after");
    expect((await get("/approval/inbox?limit=0")).statusCode).toBe(400);
  });
});

describe("the inbox's per-step clock (行政许可法 第四十二条)", () => {
  it("flags a step overdue once more working days than its limit have passed since it was reached", async () => {
    const before = h.clock.now();
    await accept(h, accepted("LATE-1", "food"));
    await caseOf("LATE-1");
    const step = async () =>
      ((await get("/approval/inbox")).json() as { caseId: string; step: unknown }[]).find(
        (i) => i.caseId === "LATE-1",
      )?.step;
    // 承办 has 2 of the promised 5 working days, from the day after acceptance (Monday 2026-03-02).
    expect(await step()).toMatchObject({
      name: "承办",
      limitDays: 2,
      openedOn: "2026-03-02",
      usedDays: 0,
      dueOn: "2026-03-04",
      overdue: false,
    });
    h.clock.set("2026-03-04T10:00:00+08:00");
    expect(await step()).toMatchObject({ usedDays: 2, overdue: false });
    h.clock.set("2026-03-05T10:00:00+08:00");
    expect(await step()).toMatchObject({ usedDays: 3, overdue: true });
    h.clock.set(before);
  });
});

it("the SQL read model equals a rebuild from the log (every case, permit, certificate and holder entry)", async () => {
  const log = await h.store.readAll({ limit: 1_000_000, filter: { categories: ["case", "permit"] } });
  const last = log.events.at(-1)?.position;
  expect(last && (await h.module.projection.waitFor(last, 20_000))).toBe(true);
  const rebuilt = await h.module.rebuild();
  const live = await h.module.model.snapshot();
  expect(live.cases.length).toBeGreaterThan(5);
  expect(live.certificates.length).toBeGreaterThan(1);
  expect(live).toEqual(rebuilt.snapshot());
});
