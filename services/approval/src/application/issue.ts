import type { CommandContext, CommandHandler } from "@gov/eventsourcing";
import type { FileKeyring } from "@gov/seal";
import type { CaseEvent, CaseState } from "../domain/case/case.ts";
import type { CaseCommand } from "../domain/case/commands.ts";
import { certificateNumber } from "../domain/permit/decide.ts";
import { type PermitCommands, signPending } from "./certificates.ts";

export type CaseCommands = CommandHandler<CaseCommand, CaseEvent, CaseState>;

/** The last day of a validity of `years` from `from` (the day before the anniversary). */
export function validUntil(from: string, years: number): string {
  const d = new Date(`${from}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

const DEFAULT_VALIDITY_YEARS = 5;

/**
 * 准予 → 发证 (行政许可法 第三十九条, 第四十四条): issues the permit's certificate, seals it with the department's key
 * and records it on the case. Each step derives its ids from `ctx`, so repeating the whole flow (a redelivered
 * acceptance, a retried request) appends nothing twice. Returns the certificate number and the log position of
 * the flow's last append.
 */
export async function issueCertificateFor(
  deps: { cases: CaseCommands; permits: PermitCommands; keyring: FileKeyring },
  caseId: string,
  ctx: CommandContext,
): Promise<{ certificateNo: string; position: string | undefined } | undefined> {
  const state = await deps.cases.load(caseId);
  if (state.status !== "decided" || state.decision?.outcome !== "approved") return undefined;
  const d = state.decision;
  const permitId = d.permitId as string;
  const m = state.opened.matter;
  const step = (suffix: string): CommandContext => ({
    ...ctx,
    ...(ctx.causationEventId ? { causationEventId: `${ctx.causationEventId}:${suffix}` } : {}),
    ...(ctx.idempotencyKey ? { idempotencyKey: `${ctx.idempotencyKey}:${suffix}` } : {}),
  });
  await deps.permits.handle(
    permitId,
    {
      type: "IssueCertificate",
      data: {
        permitId,
        permitName: m.resultName ?? m.name,
        caseId,
        caseNumber: state.opened.caseNumber,
        matterId: m.matterId,
        matterVersion: m.version,
        holder: state.opened.applicant,
        scope: m.resultScope ?? m.name,
        validFrom: d.decidedOn,
        validUntil: validUntil(d.decidedOn, m.resultValidityYears ?? DEFAULT_VALIDITY_YEARS),
        issuingDepartment: m.department,
        issuedOn: d.decidedOn,
        auto: d.auto,
      },
    },
    step("issue"),
  );
  await signPending(deps.permits, deps.keyring, permitId, step("seal"));
  const certificateNo = certificateNumber(permitId, 1);
  const recorded = await deps.cases.handle(
    caseId,
    { type: "RecordCertificate", data: { certificateNo, issuedOn: d.decidedOn } },
    step("record"),
  );
  // The log position of the last append, so that a reader waiting on the reply's position sees the certificate.
  return { certificateNo, position: recorded.position };
}
