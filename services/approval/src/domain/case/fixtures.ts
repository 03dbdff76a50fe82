import type { Actor, SubjectRef } from "@gov/contracts";
import type { CommandMetadata } from "@gov/eventsourcing";
import type { CaseEvent } from "./case.ts";
import type { OpenCase } from "./commands.ts";

/** Test fixtures for the case decider specs (invented data). */
export const MARKET = { creditCode: "11330100002489110X", name: "杭州市市场监督管理局" };
export const OTHER_DEPT = "11330100002489129R";
export const ORG: SubjectRef = {
  subjectId: "O91330106MA2H3K7P1X",
  kind: "organisation",
  creditCode: "91330106MA2H3K7P1X",
  name: "杭州示例餐饮管理有限公司",
};
export const PERSON: SubjectRef = { subjectId: `P${"a".repeat(32)}`, kind: "person" };

export const officer: Actor = { id: "officer-1", role: "officer", department: MARKET.creditCode };
export const colleague: Actor = { id: "officer-2", role: "officer", department: MARKET.creditCode };
export const head: Actor = { id: "head-1", role: "department-head", department: MARKET.creditCode };
export const system: Actor = { id: "approval-reactions", role: "system" };

export const at = (date: string, actor: Actor = officer): CommandMetadata => ({
  now: `${date}T10:00:00+08:00`,
  actor,
});

export function openCaseData(over: Partial<OpenCase["data"]> = {}): OpenCase["data"] {
  return {
    caseId: "APP-1",
    applicationId: "APP-1",
    caseNumber: "11330100002489110X300011700200020260212" + "0001",
    matter: {
      matterId: "food-business-licence",
      version: 1,
      name: "食品经营许可",
      implementationCode: "11330100002489110X3000117002000",
      department: MARKET,
      supervisingDepartment: MARKET,
      region: "330100",
      promisedTimeLimitDays: 5,
      statutoryTimeLimitDays: 20,
      resultName: "食品经营许可证",
      resultType: "certificate",
    },
    applicant: ORG,
    acceptanceMode: "complete",
    acceptedOn: "2026-02-12",
    steps: [{ name: "承办" }, { name: "审核" }, { name: "批准" }],
    joint: false,
    credit: { status: "normal", pastFalsePromise: false, strictReview: false, greenChannel: false },
    autoApproval: { allows: false, materials: [] },
    permitId: "PMT-APP-1",
    ...over,
  };
}

/** The CaseOpened a plain OpenCase gives (limit 5, accepted 2026-02-12, due 2026-02-26 across 春节). */
export function opened(over: Partial<Extract<CaseEvent, { type: "CaseOpened" }>["data"]> = {}): CaseEvent {
  const d = openCaseData();
  return {
    type: "CaseOpened",
    data: {
      caseId: d.caseId,
      applicationId: d.applicationId,
      caseNumber: d.caseNumber,
      matter: d.matter,
      applicant: d.applicant,
      acceptanceMode: d.acceptanceMode,
      acceptedOn: d.acceptedOn,
      steps: [
        { index: 0, name: "承办", timeLimitDays: 2 },
        { index: 1, name: "审核", timeLimitDays: 2 },
        { index: 2, name: "批准", timeLimitDays: 1 },
      ],
      clock: {
        limitDays: 5,
        statutoryLimitDays: 20,
        joint: false,
        countsFrom: "2026-02-13",
        dueOn: "2026-02-26",
        calendarVersion: "2026.v1",
      },
      credit: d.credit,
      openedAt: "2026-02-12T10:00:00+08:00",
      ...over,
    },
  };
}

export const claimed = (stepIndex: number, by: Actor = officer, date = "2026-02-13"): CaseEvent => ({
  type: "StepClaimed",
  data: {
    caseId: "APP-1",
    stepIndex,
    stepName: ["承办", "审核", "批准"][stepIndex] as string,
    officerId: by.id,
    department: MARKET.creditCode,
    claimedAt: `${date}T10:00:00+08:00`,
  },
});

export const completed = (stepIndex: number, by: Actor = officer, date = "2026-02-13"): CaseEvent => ({
  type: "StepCompleted",
  data: {
    caseId: "APP-1",
    stepIndex,
    stepName: ["承办", "审核", "批准"][stepIndex] as string,
    officerId: by.id,
    opinion: "符合条件",
    recommendation: "approve",
    completedAt: `${date}T10:00:00+08:00`,
  },
});

/** Every step claimed and completed by the officer. */
export const allStepsDone = (date = "2026-02-13"): CaseEvent[] =>
  [0, 1, 2].flatMap((i) => [claimed(i, officer, date), completed(i, officer, date)]);
