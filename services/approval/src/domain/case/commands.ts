import type {
  ApprovalEventData,
  AutoApprovalRules,
  MaterialProvision,
  MatterRef,
  SubjectRef,
} from "@gov/contracts";
import type { Command } from "@gov/eventsourcing";

type Opened = ApprovalEventData["CaseOpened"];

/** What opening a case needs: the acceptance (from intake), the matter version and the credit status (from approval's copies). */
export type OpenCase = Command<
  "OpenCase",
  {
    caseId: string;
    applicationId: string;
    bundleApplicationId?: string;
    caseNumber: string;
    matter: Opened["matter"];
    applicant: SubjectRef;
    acceptanceMode: Opened["acceptanceMode"];
    acceptedOn: string;
    /** The matter version's steps, with their limits when it sets them. */
    steps: { name: string; timeLimitDays?: number }[];
    joint: boolean;
    credit: Opened["credit"];
    /** 秒批: the matter's flag and rules, and the accepted materials. */
    autoApproval: { allows: boolean; rules?: AutoApprovalRules; materials: MaterialProvision[] };
    /** The permit id a 秒批 decision grants. */
    permitId: string;
  }
>;
export type ClaimStep = Command<"ClaimStep", { stepIndex: number }>;
export type CompleteStep = Command<
  "CompleteStep",
  { stepIndex: number; opinion: string; recommendation: "approve" | "refuse" }
>;
export type ReturnStep = Command<"ReturnStep", { stepIndex: number; reason: string }>;
export type ReassignStep = Command<
  "ReassignStep",
  { stepIndex: number; toOfficerId: string; reason: string }
>;
export type StartProcedure = Command<
  "StartProcedure",
  {
    procedureId: string;
    procedure: string;
    startedOn: string;
    expectedEndOn: string;
    legalBasis: string;
    notice: string;
  }
>;
export type EndProcedure = Command<
  "EndProcedure",
  { procedureId: string; endedOn: string; outcome?: string }
>;
export type GrantExtension = Command<"GrantExtension", { reason: string }>;
export type DecideCase = Command<
  "DecideCase",
  { outcome: "approved" | "refused"; reason?: string; legalBasis?: string; permitId: string }
>;
export type RecordCertificate = Command<"RecordCertificate", { certificateNo: string; issuedOn: string }>;
export type CloseCase = Command<
  "CloseCase",
  { reason: ApprovalEventData["CaseClosed"]["reason"]; closedOn: string }
>;

export type CaseCommand =
  | OpenCase
  | ClaimStep
  | CompleteStep
  | ReturnStep
  | ReassignStep
  | StartProcedure
  | EndProcedure
  | GrantExtension
  | DecideCase
  | RecordCertificate
  | CloseCase;

export type { MatterRef };
