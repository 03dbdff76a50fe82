import { seedCalendar } from "@gov/calendar";
import type { Actor, SubjectRef } from "@gov/contracts";
import type { Command, Decider, NewEvent } from "@gov/eventsourcing";
import { caseStream, caseTypes, permitIdOf, permitStream, permitTypes } from "../application/streams.ts";
import type { CaseEvent, CaseState } from "../domain/case/case.ts";
import type { CaseCommand } from "../domain/case/commands.ts";
import { caseDecider } from "../domain/case/decide.ts";
import { openCaseData } from "../domain/case/fixtures.ts";
import { defaultRules } from "../domain/case/rules.ts";
import type { PermitCommand } from "../domain/permit/commands.ts";
import { certificateNumber, permitDecider } from "../domain/permit/decide.ts";
import type { PermitEvent, PermitState } from "../domain/permit/permit.ts";

/**
 * A generated log of approval cases for the projection's tests: case `i`'s and its permit's events, decided by
 * approval's own deciders (real event shapes) as the command path would, with their envelopes. The mix, over 3
 * departments and 12 applicants, a third of the cases members of three-case bundles: 秒批 with its certificate;
 * worked through the steps to 准予 (some delivered, amended, renewed, revoked after a proposal, withdrawn and
 * cancelled); 不予; returned and handed to a colleague; paused by a special procedure and extended; closed at
 * intake; waiting unclaimed. The seal's signature value is a placeholder (these tests never verify it). Not demo
 * data: never loaded by a service.
 */
const calendar = seedCalendar();
const cases = caseDecider(() => calendar, defaultRules);
export const departments = [
  { creditCode: "11330100002489110X", name: "杭州市市场监督管理局" },
  { creditCode: "11330100002489129R", name: "杭州市卫生健康委员会" },
  { creditCode: "11330100002489137M", name: "杭州市生态环境局" },
];
const applicant = (n: number): SubjectRef => {
  const code = `91330106MA2H3K${String(n).padStart(3, "0")}X`;
  return { subjectId: `O${code}`, kind: "organisation", creditCode: code, name: `示例企业${n}` };
};

/** The id of case `i`. */
export const generatedCaseId = (i: number) => `G${String(i).padStart(7, "0")}`;

function run<C extends Command<string, object>, E extends { type: string; data: unknown }, S>(
  decider: Decider<C, E, S>,
  commands: C[],
): E[] {
  let state = decider.initialState();
  const out: E[] = [];
  for (const c of commands) {
    for (const e of decider.decide(c, state)) {
      state = decider.evolve(state, e);
      out.push(e);
    }
  }
  return out;
}

export function caseEvents(i: number): { streamId: string; events: NewEvent[] }[] {
  const r = (i * 2654435761) % 100;
  const caseId = generatedCaseId(i);
  const permitId = permitIdOf(caseId);
  const dept = departments[i % 3] as (typeof departments)[number];
  const day = `2026-03-${String(2 + (i % 20)).padStart(2, "0")}`;
  const officer: Actor = { id: `officer-${i % 5}`, role: "officer", department: dept.creditCode };
  const colleague: Actor = { id: `officer-${(i % 5) + 1}`, role: "officer", department: dept.creditCode };
  const head: Actor = { id: "head-1", role: "department-head", department: dept.creditCode };
  const system: Actor = { id: "approval-reactions", role: "system" };
  let hour = 9;
  const at = (actor: Actor) => {
    hour += 1;
    return { now: `${day}T${String(Math.min(hour, 23)).padStart(2, "0")}:00:00+08:00`, actor };
  };
  const auto = r < 20;
  const base = openCaseData();
  const bundle = i % 9 < 3 ? `BND${String(Math.floor(i / 9)).padStart(5, "0")}` : undefined;
  const caseCommands: CaseCommand[] = [
    {
      type: "OpenCase",
      data: {
        ...base,
        caseId,
        applicationId: caseId,
        ...(bundle ? { bundleApplicationId: bundle } : {}),
        caseNumber: `${dept.creditCode}3000117002000${day.replaceAll("-", "")}${String(i % 10_000).padStart(4, "0")}`,
        matter: {
          ...base.matter,
          matterId: `matter-${i % 4}`,
          department: dept,
          supervisingDepartment: dept,
          implementationCode: `${dept.creditCode}3000117002000`,
        },
        applicant: applicant(i % 12),
        acceptedOn: day,
        joint: bundle !== undefined,
        credit: {
          status: i % 11 === 0 ? "green-channel" : "normal",
          pastFalsePromise: false,
          strictReview: false,
          greenChannel: i % 11 === 0,
        },
        autoApproval: auto
          ? {
              allows: true,
              rules: {
                noDeferredMaterials: true,
                allMaterialsProvided: true,
                applicantKinds: ["organisation"],
                excludeStrictReview: true,
              },
              materials: [
                {
                  materialId: "M01",
                  provision: "provided",
                  file: { uri: "file://m01", sha256: "a".repeat(64) },
                },
              ],
            }
          : { allows: false, materials: [] },
        permitId,
      },
      metadata: at(system),
    },
  ];
  const steps = (recommendation: "approve" | "refuse") => {
    for (const stepIndex of [0, 1, 2]) {
      caseCommands.push({ type: "ClaimStep", data: { stepIndex }, metadata: at(officer) });
      caseCommands.push({
        type: "CompleteStep",
        data: {
          stepIndex,
          opinion: recommendation === "approve" ? "符合条件" : "不符合条件",
          recommendation,
        },
        metadata: at(officer),
      });
    }
  };
  const approved = auto || r < 50;
  if (auto) {
    // 秒批: decided as it opens.
  } else if (r < 50) {
    steps("approve");
    caseCommands.push({ type: "DecideCase", data: { outcome: "approved", permitId }, metadata: at(head) });
  } else if (r < 58) {
    steps("refuse");
    caseCommands.push({
      type: "DecideCase",
      data: {
        outcome: "refused",
        permitId,
        reason: "经营场所不符合要求",
        legalBasis: "《食品安全法》第三十三条",
      },
      metadata: at(head),
    });
  } else if (r < 68) {
    caseCommands.push({ type: "ClaimStep", data: { stepIndex: 0 }, metadata: at(officer) });
    caseCommands.push({
      type: "CompleteStep",
      data: { stepIndex: 0, opinion: "初审通过", recommendation: "approve" },
      metadata: at(officer),
    });
    caseCommands.push({ type: "ClaimStep", data: { stepIndex: 1 }, metadata: at(officer) });
    caseCommands.push({
      type: "ReturnStep",
      data: { stepIndex: 1, reason: "材料需核实" },
      metadata: at(officer),
    });
    caseCommands.push({ type: "ClaimStep", data: { stepIndex: 0 }, metadata: at(officer) });
    caseCommands.push({
      type: "ReassignStep",
      data: { stepIndex: 0, toOfficerId: colleague.id, reason: "转办" },
      metadata: at(officer),
    });
  } else if (r < 78) {
    caseCommands.push({
      type: "StartProcedure",
      data: {
        procedureId: "P1",
        procedure: "inspection",
        startedOn: day,
        expectedEndOn: "2026-04-10",
        legalBasis: "《中华人民共和国行政许可法》第四十五条",
        notice: "检验期间不计入审批期限",
      },
      metadata: at(officer),
    });
    if (r % 2 === 0)
      caseCommands.push({
        type: "EndProcedure",
        data: { procedureId: "P1", endedOn: "2026-03-31", outcome: "合格" },
        metadata: at(officer),
      });
    caseCommands.push({ type: "GrantExtension", data: { reason: "情况复杂" }, metadata: at(head) });
  } else if (r < 86) {
    caseCommands.push({
      type: "CloseCase",
      data: { reason: "application-withdrawn", closedOn: day },
      metadata: at(system),
    });
  }
  const caseOut = run(cases, caseCommands);
  const decided = caseOut.find((e) => e.type === "CaseDecided");
  const permitOut: PermitEvent[] = [];
  if (approved && decided?.data.outcome === "approved") {
    const opened = caseOut[0] as Extract<CaseEvent, { type: "CaseOpened" }>;
    const on = decided.data.decidedOn;
    const issuer: Actor = { id: "approval-issuer", role: "system" };
    const signature = (no: string) => ({
      certificateNo: no,
      signature: {
        algorithm: "SM2-SM3",
        keyId: `${dept.creditCode}-k1`,
        value: Buffer.from(`generated ${no}`).toString("base64"),
        department: dept.creditCode,
        signedAt: `${on}T12:00:00+08:00`,
      },
    });
    const permitCommands: PermitCommand[] = [
      {
        type: "IssueCertificate",
        data: {
          permitId,
          permitName: "食品经营许可证",
          caseId,
          caseNumber: opened.data.caseNumber,
          matterId: opened.data.matter.matterId,
          matterVersion: 1,
          holder: opened.data.applicant,
          scope: "预包装食品销售",
          validFrom: on,
          validUntil: "2031-03-01",
          issuingDepartment: dept,
          issuedOn: on,
          auto,
        },
        metadata: at(issuer),
      },
      { type: "SignCertificate", data: signature(certificateNumber(permitId, 1)), metadata: at(issuer) },
    ];
    const change = { reason: "依申请", legalBasis: "《中华人民共和国行政许可法》第四十九条" };
    if (r % 3 === 0)
      permitCommands.push({
        type: "DeliverCertificate",
        data: { certificateNo: certificateNumber(permitId, 1), method: "ems", trackingNumber: `EMS${i}` },
        metadata: at(officer),
      });
    if (r % 4 === 1) {
      permitCommands.push({
        type: "AmendPermit",
        data: { ...change, scope: "预包装食品销售、热食类食品制售" },
        metadata: at(officer),
      });
      permitCommands.push({
        type: "SignCertificate",
        data: signature(certificateNumber(permitId, 2)),
        metadata: at(issuer),
      });
    }
    if (r % 4 === 2)
      permitCommands.push({
        type: "RenewPermit",
        data: { ...change, validUntil: "2036-03-01" },
        metadata: at(officer),
      });
    if (r % 5 === 3) {
      permitCommands.push({
        type: "ProposeRevocation",
        data: {
          permitId,
          findingId: `F${i}`,
          kind: "revoke",
          proposedOn: day,
          reason: "无证经营",
          legalBasis: "《食品安全法》第一百二十二条",
          penaltyDecision: `杭市监罚〔2026〕${i}号`,
        },
        metadata: at(system),
      });
      permitCommands.push({
        type: "RevokePermit",
        data: {
          reason: "无证经营",
          legalBasis: "《食品安全法》第一百二十二条",
          penaltyDecision: `杭市监罚〔2026〕${i}号`,
          findingId: `F${i}`,
        },
        metadata: at(head),
      });
    }
    if (r % 5 === 4) {
      permitCommands.push({
        type: "WithdrawPermit",
        data: { reason: "法律修改", legalBasis: "《中华人民共和国行政许可法》第八条" },
        metadata: at(head),
      });
      permitCommands.push({
        type: "CancelPermit",
        data: {
          reason: "撤回后注销",
          legalBasis: "《中华人民共和国行政许可法》第七十条",
          ground: "after-withdrawal",
        },
        metadata: at(head),
      });
    }
    permitOut.push(...run<PermitCommand, PermitEvent, PermitState>(permitDecider, permitCommands));
    caseOut.push(
      ...run<CaseCommand, CaseEvent, CaseState>(cases, [
        ...caseCommands,
        {
          type: "RecordCertificate",
          data: { certificateNo: certificateNumber(permitId, 1), issuedOn: on },
          metadata: at(issuer),
        },
      ]).slice(caseOut.length),
    );
  }
  const envelope = (types: typeof caseTypes | typeof permitTypes, e: CaseEvent | PermitEvent): NewEvent => ({
    id: crypto.randomUUID(),
    type: types.wireType(e.type as never),
    source: "gov.approval",
    time: `${day}T09:00:00+08:00`,
    data: e.data as NewEvent["data"],
    caseid: caseId,
    actor: system,
  });
  return [
    { streamId: caseStream(caseId), events: caseOut.map((e) => envelope(caseTypes, e)) },
    ...(permitOut.length > 0
      ? [{ streamId: permitStream(permitId), events: permitOut.map((e) => envelope(permitTypes, e)) }]
      : []),
  ];
}
