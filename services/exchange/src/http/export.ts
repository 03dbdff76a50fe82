import type { CaseStepReport } from "../read-models/case-steps-sql.ts";

/** The CSV columns, in order: the row's fields flattened; `details` as JSON (its fields depend on the step). */
export const CSV_COLUMNS = [
  "caseKey",
  "caseNumber",
  "applicationId",
  "step",
  "stepName",
  "version",
  "occurredAt",
  "reportedAt",
  "matterId",
  "matterVersion",
  "matterName",
  "implementationCode",
  "departmentCode",
  "departmentName",
  "region",
  "applicantSubjectId",
  "applicantKind",
  "channel",
  "reason",
  "sourceEventId",
  "sourceEventType",
  "details",
] as const;

function cells(r: CaseStepReport): (string | number)[] {
  const { step: _step, ...details } = r.details;
  return [
    r.caseKey,
    r.caseNumber ?? "",
    r.applicationId,
    r.step,
    r.stepName,
    r.version,
    r.occurredAt,
    r.reportedAt,
    r.matter.matterId,
    r.matter.version,
    r.matter.name,
    r.matter.implementationCode,
    r.matter.department.creditCode,
    r.matter.department.name,
    r.matter.region,
    r.applicant.subjectId,
    r.applicant.kind,
    r.channel,
    r.reason,
    r.source.eventId,
    r.source.type,
    JSON.stringify(details),
  ];
}

/**
 * RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. A field that a spreadsheet would
 * read as a formula (leading `=`, `+`, `-`, `@`) is prefixed with `'` (OWASP, CSV injection); no field the feed
 * writes starts so today except free names, which is where it matters.
 */
export function csvField(value: string | number): string {
  let s = String(value);
  if (typeof value === "string" && /^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function toCsv(reports: readonly CaseStepReport[], withHeader: boolean): string {
  const lines = reports.map((r) => cells(r).map(csvField).join(","));
  if (withHeader) lines.unshift(CSV_COLUMNS.join(","));
  return lines.length === 0 ? "" : `${lines.join("\r\n")}\r\n`;
}

export function toJsonLines(reports: readonly CaseStepReport[]): string {
  return reports.map((r) => `${JSON.stringify(withoutSeq(r))}\n`).join("");
}

const withoutSeq = ({ seq: _seq, ...rest }: CaseStepReport) => rest;
