// Test support: intake's and approval's events for generated applications, as those services append them
// (validated against their contracts), so that the feed's tests need neither service.
import { createHash } from "node:crypto";
import {
  approvalEventSchemas,
  approvalEventTypes,
  caseStepReportedV1,
  exchangeEventTypes,
  intakeEventSchemas,
  intakeEventTypes,
} from "@gov/contracts";
import { type DomainEvent, EventTypes, type NewEvent, nameBasedUuid, toNewEvent } from "@gov/eventsourcing";

const types = new EventTypes<DomainEvent>(intakeEventTypes, { schemas: intakeEventSchemas });
const approvalTypes = new EventTypes<DomainEvent>(approvalEventTypes, { schemas: approvalEventSchemas });
const IMPLEMENTATION_CODE = "11330100002489110X3330100100001";
const department = { creditCode: "11330100002489110X", name: "杭州市市场监督管理局" };
const clerk = { id: "clerk-1", role: "window-clerk", region: "330100" } as const;

const v1Types = new EventTypes<DomainEvent>(
  { CaseStepReported: exchangeEventTypes.CaseStepReportedV1 },
  { schemas: { CaseStepReported: caseStepReportedV1 } },
);

/**
 * A case-report stream as the exchange stored it before v2 (`gov.exchange.casestep.reported.v1`, validated against
 * v1's schema): the 申办 row of application `A<tag>V<i, 4 digits>`, submitted at the window on 2026-11-02.
 */
export function storedV1Rows(
  tag: string,
  i = 0,
  reportedAt = "2026-11-02T09:00:00+08:00",
): { streamId: string; events: NewEvent[] } {
  const applicationId = `A${tag}V${String(i).padStart(4, "0")}`;
  const at = "2026-11-02T09:00:00+08:00";
  const sourceId = nameBasedUuid(`fixture:v1:${applicationId}:source`);
  const row: DomainEvent = {
    type: "CaseStepReported",
    data: {
      rowId: `${applicationId}:application`,
      caseKey: applicationId,
      applicationId,
      step: "application",
      stepName: "申办",
      version: 1,
      occurredAt: at,
      matter: {
        matterId: "food-business-licence",
        version: 1,
        name: "食品经营许可",
        implementationCode: IMPLEMENTATION_CODE,
        department,
        region: "330100",
      },
      applicant: applicantOf(i),
      channel: "window",
      details: { step: "application", receivedOn: "2026-11-02" },
      source: { eventId: sourceId, type: intakeEventTypes.ApplicationSubmitted },
      reason: "reported",
    },
  };
  return {
    streamId: `casestep-${applicationId}`,
    events: [
      toNewEvent(v1Types, row, nameBasedUuid(`fixture:v1:${applicationId}:0`), {
        source: "gov.exchange",
        time: new Date(reportedAt).toISOString(),
        actor: { id: "exchange-feed", role: "system" },
        caseid: applicationId,
      }),
    ],
  };
}

/** What happens to generated application `i`: every path of the feed in turn. */
export type Path = "accepted" | "corrected-then-accepted" | "rejected" | "submitted-only";
export const pathOf = (i: number): Path =>
  (["accepted", "corrected-then-accepted", "rejected", "submitted-only"] as const)[i % 4] as Path;
/** Applications alternate between the window and the online hall (网上预受理). */
export const channelOf = (i: number) => (i % 2 === 0 ? "window" : "online");

/** The rows (reports) application `i` makes once all its events are reported (docs/exchange.md). */
export function expectedReports(i: number): number {
  const first = channelOf(i) === "online" ? 2 : 1;
  switch (pathOf(i)) {
    case "accepted":
      return first + first + 1 + 4 + 1; // re-reported under the 办件编号, 受理; 承办, 审核, 批准, 办结; 领证
    case "corrected-then-accepted":
      return first + 2 + (first + 2) + 1 + 2; // …, 受理; 特别程序申请, 特别程序结果
    case "rejected":
      return first + 1;
    case "submitted-only":
      return first;
  }
}

export const applicationIdOf = (tag: string, i: number) => `A${tag}${String(i).padStart(5, "0")}`;
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

/** Approval's case stream `case-<id>` for an accepted application (the steps the feed maps). */
export function approvalEvents(tag: string, i: number): { streamId: string; events: NewEvent[] } | undefined {
  const caseId = applicationIdOf(tag, i);
  const day = `2026-11-${String(2 + (i % 20)).padStart(2, "0")}`;
  const at = `${day}T15:00:00+08:00`;
  const officer = { officerId: "officer-1", completedAt: at, recommendation: "approve" as const };
  let domain: DomainEvent[];
  if (pathOf(i) === "accepted") {
    domain = [
      ...["承办", "审核", "批准"].map((stepName, stepIndex) => ({
        type: "StepCompleted",
        data: { caseId, stepIndex, stepName, opinion: "同意", ...officer },
      })),
      {
        type: "CaseDecided",
        data: {
          caseId,
          outcome: "approved",
          auto: false,
          decidedBy: "officer-1",
          decidedOn: day,
          decidedAt: at,
        },
      },
    ];
  } else if (pathOf(i) === "corrected-then-accepted") {
    const procedure = { caseId, procedureId: "P1", officerId: "officer-1" };
    domain = [
      {
        type: "SpecialProcedureStarted",
        data: {
          ...procedure,
          procedure: "expert-review",
          name: "专家评审",
          startedOn: day,
          expectedEndOn: "2026-12-31",
          legalBasis: "《中华人民共和国行政许可法》第四十五条",
          notice: "书面告知申请人",
          startedAt: at,
        },
      },
      { type: "SpecialProcedureEnded", data: { ...procedure, endedOn: day, daysExcluded: 0, endedAt: at } },
    ];
  } else return undefined;
  return {
    streamId: `case-${caseId}`,
    events: domain.map((e, n) =>
      toNewEvent(approvalTypes, e, nameBasedUuid(`fixture:case:${caseId}:${n}`), {
        source: "gov.approval",
        time: new Date(at).toISOString(),
        actor: { id: "officer-1", role: "officer", department: department.creditCode },
        caseid: caseId,
      }),
    ),
  };
}

/** The permit id approval gives accepted application `i`'s permit (stream `permit-<permitId>`). */
export const permitIdOf = (tag: string, i: number) => `PMT-${applicationIdOf(tag, i)}`;

/**
 * Approval's permit stream for an approved case: the certificate issued, then delivered by EMS (its tracking
 * number is the kind of detail the feed must not copy). `caseId: false` gives a delivery as recorded before
 * CertificateDelivered named its case.
 */
export function permitEvents(
  tag: string,
  i: number,
  options: { caseId?: boolean } = {},
): { streamId: string; events: NewEvent[] } | undefined {
  if (pathOf(i) !== "accepted") return undefined;
  const caseId = applicationIdOf(tag, i);
  const permitId = permitIdOf(tag, i);
  const certificateNo = `${permitId}-01`;
  const day = `2026-11-${String(2 + (i % 20)).padStart(2, "0")}`;
  const domain: DomainEvent[] = [
    {
      type: "CertificateIssued",
      data: {
        certificateNo,
        permitId,
        version: 1,
        permitName: "食品经营许可证",
        caseId,
        caseNumber: caseNumberOf(i, day),
        matterId: "food-business-licence",
        matterVersion: 1,
        holder: applicantOf(i),
        scope: "预包装食品销售",
        validFrom: day,
        validUntil: "2031-11-01",
        issuingDepartment: department,
        issuedOn: day,
        auto: false,
        issuedAt: `${day}T16:00:00+08:00`,
      },
    },
    {
      type: "CertificateDelivered",
      data: {
        permitId,
        certificateNo,
        method: "ems",
        trackingNumber: `EMS${String(i).padStart(9, "0")}CN`,
        deliveredOn: day,
        deliveredAt: `${day}T17:00:00+08:00`,
        officerId: "officer-1",
        ...(options.caseId === false ? {} : { caseId }),
      },
    },
  ];
  return {
    streamId: `permit-${permitId}`,
    events: domain.map((e, n) =>
      toNewEvent(approvalTypes, e, nameBasedUuid(`fixture:permit:${permitId}:${n}:${options.caseId}`), {
        source: "gov.approval",
        time: new Date(`${day}T${16 + n}:00:00+08:00`).toISOString(),
        actor: { id: "officer-1", role: "officer", department: department.creditCode },
        // approval's permit events carry the permit as their caseid (their aggregate), not the case
        caseid: permitId,
      }),
    ),
  };
}

const caseNumberOf = (i: number, day: string) =>
  `${IMPLEMENTATION_CODE}${day.replaceAll("-", "")}${String(1 + (i % 9999)).padStart(4, "0")}`;
const applicantOf = (i: number) => ({
  subjectId: `O91330106MA2H${String(i).padStart(5, "0")}X`,
  kind: "organisation" as const,
});

/** The stream `application-<id>` and its events, with ids derived from the application (a re-run is the same). */
export function intakeEvents(tag: string, i: number): { streamId: string; events: NewEvent[] } {
  const applicationId = applicationIdOf(tag, i);
  const day = `2026-11-${String(2 + (i % 20)).padStart(2, "0")}`;
  const at = (h: number) => `${day}T${String(8 + h).padStart(2, "0")}:00:00+08:00`;
  const matter = {
    matterId: "food-business-licence",
    version: 1,
    name: "食品经营许可",
    implementationCode: IMPLEMENTATION_CODE,
    department,
    region: "330100",
    caseKind: "promised" as const,
    promisedTimeLimitDays: 10,
    statutoryTimeLimitDays: 20,
    allowsInformedCommitment: false,
    allowsDeferredMaterials: false,
    allowsAutoApproval: false,
  };
  const applicant = applicantOf(i);
  const credit = {
    status: "normal" as const,
    deferredMaterials: false,
    informedCommitment: false,
    autoApproval: false,
    priority: false,
  };
  const licence = { uri: `files/${applicationId}/licence.pdf`, sha256: sha(`${applicationId}-licence`) };
  const domain: [DomainEvent, number][] = [
    [
      {
        type: "ApplicationSubmitted",
        data: {
          applicationId,
          matter,
          applicant,
          channel: channelOf(i),
          receivedOn: day,
          requirements: [],
          materials: [],
          informedCommitmentRequested: false,
          credit,
          flags: [],
        },
      },
      0,
    ],
  ];
  const path = pathOf(i);
  if (path === "corrected-then-accepted") {
    domain.push(
      [
        {
          type: "CorrectionRequested",
          data: {
            applicationId,
            noticeNumber: 1,
            items: [{ materialId: "licence", name: "营业执照", problem: "missing", note: "请补交" }],
            noticeDate: day,
          },
        },
        1,
      ],
      [
        {
          type: "MaterialsSupplemented",
          data: {
            applicationId,
            materials: [{ materialId: "licence", provision: "provided", file: licence }],
            supplementedOn: day,
          },
        },
        2,
      ],
    );
  }
  if (path === "accepted" || path === "corrected-then-accepted") {
    domain.push([
      {
        type: "ApplicationAccepted",
        data: {
          applicationId,
          caseNumber: caseNumberOf(i, day),
          mode: "complete",
          acceptedOn: day,
          matter,
          applicant,
          materials: [],
          promisedTimeLimitDays: 10,
          dueOn: "2026-12-31",
          credit,
          flags: [],
        },
      },
      3,
    ]);
  }
  if (path === "rejected") {
    domain.push([
      {
        type: "ApplicationRejected",
        data: {
          applicationId,
          reason: "不属于本机关职权范围",
          legalBasis: "《中华人民共和国行政许可法》第三十二条",
          rejectedOn: day,
        },
      },
      1,
    ]);
  }
  return {
    streamId: `application-${applicationId}`,
    events: domain.map(([e, h], n) =>
      toNewEvent(types, e, nameBasedUuid(`fixture:${applicationId}:${n}`), {
        source: "gov.intake",
        time: new Date(at(h)).toISOString(),
        actor: clerk,
        caseid: applicationId,
      }),
    ),
  };
}
